"""Tables of the staff accounts: users, their sessions, login attempts and the audit log."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Text

from services.storage.models import Base, UTCDateTime, utcnow

# agent: takes handoff sessions; supervisor: watches the queues (and may take sessions);
# verifier: back office (applications); analyst: the analysts' loop (conversations, KB gaps).
ROLES = ("agent", "supervisor", "verifier", "analyst")


class StaffUser(Base):
    """A person who logs in to the console. `queues` limits which handoff queues an agent sees."""

    __tablename__ = "staff_users"
    __table_args__ = (CheckConstraint("role IN ('agent', 'supervisor', 'verifier', 'analyst')", name="role_known"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    display_name = Column(String(100), nullable=False)
    role = Column(String(20), nullable=False)
    queues = Column(String(200), nullable=False, default="")  # comma-separated queue names
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)

    @property
    def queue_list(self) -> list[str]:
        return [q for q in (self.queues or "").split(",") if q]


class StaffSession(Base):
    """A logged-in browser. Only a hash of the cookie's token is stored, so a leaked table is no key."""

    __tablename__ = "staff_sessions"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    expires_at = Column(UTCDateTime, nullable=False)


class LoginAttempt(Base):
    """Failed logins, counted per username and per address to slow down password guessing."""

    __tablename__ = "login_attempts"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, index=True)
    address = Column(String(64), nullable=False, index=True)
    attempted_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


class AuditEntry(Base):
    """Who did what to which record: takes, reads, replies, closes, logins."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)
    actor = Column(String(64), nullable=False, index=True)
    action = Column(String(40), nullable=False)
    target = Column(String(100), nullable=False, default="")
    detail = Column(Text)
