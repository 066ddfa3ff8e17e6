"""Claiming provider messages exactly once, recording delivery statuses, the 24-hour window."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.channels.models import DeliveryStatus, InboundMessage
from services.storage.db import session_scope

CUSTOMER_SERVICE_WINDOW = timedelta(hours=24)


def claim(channel: str, message_id: str, sender: str, message_type: str, url: str | None = None) -> bool:
    """True if this instance is the first to see the message; False for a retry or a replay.

    The unique key does the work, so two instances racing on the same message get one True.
    """
    try:
        with session_scope(url) as session:
            session.add(
                InboundMessage(
                    channel=channel, message_id=message_id[:255], sender=sender[:64], message_type=message_type[:40]
                )
            )
    except IntegrityError:
        return False
    return True


def record_status(
    channel: str,
    message_id: str,
    recipient: str,
    status: str,
    error_code: str | None = None,
    error_title: str | None = None,
    occurred_at: datetime | None = None,
    url: str | None = None,
) -> None:
    with session_scope(url) as session:
        session.add(
            DeliveryStatus(
                channel=channel,
                message_id=message_id[:255],
                recipient=recipient[:64],
                status=status[:20],
                error_code=(error_code or None) and str(error_code)[:20],
                error_title=(error_title or None) and str(error_title)[:255],
                occurred_at=occurred_at or datetime.now(timezone.utc),
            )
        )


def statuses_of(session: Session, channel: str, message_id: str) -> list:
    query = select(DeliveryStatus).where(DeliveryStatus.channel == channel, DeliveryStatus.message_id == message_id)
    return list(session.scalars(query.order_by(DeliveryStatus.id)))


def last_inbound_at(channel: str, sender: str, url: str | None = None) -> datetime | None:
    with session_scope(url) as session:
        query = select(func.max(InboundMessage.received_at)).where(
            InboundMessage.channel == channel, InboundMessage.sender == sender
        )
        return session.scalar(query)


def window_open(channel: str, sender: str, now: datetime | None = None, url: str | None = None) -> bool:
    """WhatsApp lets a business send free-form messages only within 24 hours of the user's last one."""
    last = last_inbound_at(channel, sender, url)
    if last is None:
        return False
    if last.tzinfo is None:
        last = last.replace(tzinfo=timezone.utc)
    return (now or datetime.now(timezone.utc)) - last < CUSTOMER_SERVICE_WINDOW
