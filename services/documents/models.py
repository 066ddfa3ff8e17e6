"""The `documents` table (schema: migration 0003_channels)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String

from services.storage.models import Base, UTCDateTime, utcnow

ATTACHED = "attached"  # belongs to an application a consultant is processing
AWAITING_CONSULTANT = "awaiting_consultant"  # no open application: a consultant decides


class Document(Base):
    __tablename__ = "documents"

    id = Column(Integer, primary_key=True)
    public_id = Column(String(32), nullable=False, unique=True)  # random; also the file's name stem
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40), nullable=False)
    application_id = Column(Integer, ForeignKey("applications.id", ondelete="SET NULL"), index=True)
    status = Column(String(30), nullable=False, default=AWAITING_CONSULTANT)
    kind = Column(String(10), nullable=False)  # jpeg, png, pdf (from the content)
    content_type = Column(String(40), nullable=False)
    size_bytes = Column(Integer, nullable=False)
    sha256 = Column(String(64), nullable=False)
    original_name = Column(String(255))  # as sent, for the consultant; never used as a path
    storage_name = Column(String(64), nullable=False)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow)
