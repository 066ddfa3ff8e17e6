"""The back office's tables: decisions (with reasons and requested items), documents, notifications.

Schema: migration 0004_backoffice. The application's own status and history stay in
services/storage (applications, application_status_changes); these tables add what a decision
carries and what was sent to the applicant.
"""

from __future__ import annotations

import json
from typing import List

from sqlalchemy import Column, ForeignKey, Integer, String, Text

from services.storage.models import Base, UTCDateTime, utcnow


class ApplicationDecision(Base):
    """One verifier decision: accepted, rejected (reason code + text) or needs information (items + note)."""

    __tablename__ = "application_decisions"

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)
    decision = Column(String(20), nullable=False)  # accepted | rejected | needs_information
    reason_code = Column(String(40))
    missing_fields = Column(Text, nullable=False, default="[]")  # JSON list of field keys
    missing_documents = Column(Text, nullable=False, default="[]")  # JSON list of document keys
    note = Column(Text)
    decided_by = Column(String(64), nullable=False)
    decided_at = Column(UTCDateTime, nullable=False, default=utcnow)
    resolved_at = Column(UTCDateTime)  # needs_information: when the applicant resubmitted

    @property
    def fields(self) -> List[str]:
        return list(json.loads(self.missing_fields or "[]"))

    @property
    def documents(self) -> List[str]:
        return list(json.loads(self.missing_documents or "[]"))


class ApplicationNotification(Base):
    """What the applicant was sent about a decision, through which route, and whether it went out."""

    __tablename__ = "application_notifications"

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)
    decision_id = Column(Integer, ForeignKey("application_decisions.id", ondelete="CASCADE"), index=True)
    route = Column(String(30), nullable=False)  # conversation | whatsapp_template | email
    outcome = Column(String(20), nullable=False)  # sent | failed | skipped
    detail = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
