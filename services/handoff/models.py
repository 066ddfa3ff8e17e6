"""The handoff ticket: one user's request to talk to a person, from the queue to the rating."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Integer, SmallInteger, String, Text

from services.storage.models import Base, UTCDateTime, utcnow

QUEUES = ("general", "registration", "english", "video")
STATUSES = ("waiting", "active", "closed", "abandoned")
# live: a chat/video session with a consultant; callback / message: left outside office hours
KINDS = ("live", "callback", "message")
REASONS = ("user_request", "fallback", "unknown_answer", "low_rating", "kb_topic", "registration_form")


def _one_of(column: str, values: tuple) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class HandoffTicket(Base):
    """A conversation handed to a consultant. The transcript stays in Rasa's tracker / event broker."""

    __tablename__ = "handoff_tickets"
    __table_args__ = (
        CheckConstraint(_one_of("queue", QUEUES), name="queue_known"),
        CheckConstraint(_one_of("status", STATUSES), name="status_known"),
        CheckConstraint(_one_of("kind", KINDS), name="kind_known"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)  # Rasa's sender id
    channel = Column(String(40), nullable=False)  # the input channel the user wrote from
    language = Column(String(2), nullable=False)
    reason = Column(String(30), nullable=False)
    kind = Column(String(10), nullable=False, default="live")
    queue = Column(String(20), nullable=False, index=True)
    status = Column(String(10), nullable=False, default="waiting", index=True)
    last_question = Column(Text)  # the user's last question before the handoff
    message = Column(Text)  # out of hours: the user's message or callback request
    form_progress = Column(Text)  # JSON: registration-form slots filled so far
    meeting_url = Column(String(300))  # video / sign-language queue: the shared meeting room
    assigned_agent = Column(String(64), index=True)  # staff_users.username
    rating = Column(SmallInteger)  # the user's 1-5 rating of the consultant
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    taken_at = Column(UTCDateTime)
    closed_at = Column(UTCDateTime)
    rated_at = Column(UTCDateTime)
