"""Tables of the channels slice in the application database (schema: migration 0003_channels).

`channel_inbound_messages` has a unique key on (channel, message id): inserting it is how a Rasa
instance claims a provider's message, so a retried webhook - delivered to this instance or to
another one behind the load balancer - is processed once. It also tells when a user last wrote,
which decides whether WhatsApp's 24-hour customer-service window is open.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, UniqueConstraint

from services.storage.models import Base, UTCDateTime, utcnow


class InboundMessage(Base):
    __tablename__ = "channel_inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "message_id", name="uq_channel_inbound_messages_id"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(40), nullable=False)
    message_id = Column(String(255), nullable=False)
    sender = Column(String(64), nullable=False, index=True)
    message_type = Column(String(40), nullable=False)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow)


class DeliveryStatus(Base):
    """A provider's delivery report for one of our messages (sent, delivered, read, failed)."""

    __tablename__ = "channel_delivery_statuses"

    id = Column(Integer, primary_key=True)
    channel = Column(String(40), nullable=False)
    message_id = Column(String(255), nullable=False, index=True)
    recipient = Column(String(64), nullable=False)
    status = Column(String(20), nullable=False)
    error_code = Column(String(20))
    error_title = Column(String(255))
    occurred_at = Column(UTCDateTime, nullable=False, default=utcnow)
