"""What the analysts' loop stores: the harvest watermark, masked questions, clusters and their labels."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Integer, String, Text, UniqueConstraint

from services.storage.models import Base, UTCDateTime, utcnow

# why a message was harvested (one question may have several reasons)
REASONS = (
    "low_confidence",
    "fallback",
    "rejected_suggestion",
    "before_handoff",
    "unknown_answer",
    "low_rating",
    "spot_check",
)
# what an analyst decided for a cluster
DECISIONS = ("paraphrase", "new_topic", "out_of_scope", "ignore")


def _one_of(column: str, values: tuple) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class HarvestWatermark(Base):
    """The last tracker-store event read from one source, so the next harvest starts after it."""

    __tablename__ = "review_watermarks"

    source = Column(String(300), primary_key=True)  # the tracker store's URL without password
    last_event_id = Column(Integer, nullable=False, default=0)
    harvested_at = Column(UTCDateTime, nullable=False, default=utcnow)


class ReviewCluster(Base):
    """Near-duplicate questions of one language, and what an analyst decided about them."""

    __tablename__ = "review_clusters"
    __table_args__ = (CheckConstraint(f"decision IS NULL OR {_one_of('decision', DECISIONS)}", name="decision_known"),)

    id = Column(Integer, primary_key=True)
    language = Column(String(2), nullable=False)
    size = Column(Integer, nullable=False, default=0)
    bot_topic = Column(String(64))  # the topic the bot chose most often for these questions
    bot_confidence = Column(Float)  # its mean confidence
    decision = Column(String(20), index=True)
    topic_id = Column(String(64))  # paraphrase / new_topic: the knowledge-base topic written to
    decided_by = Column(String(64))  # staff_users.username
    decided_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class HarvestedQuestion(Base):
    """One user message worth an analyst's look, already masked (the raw text is never stored here)."""

    __tablename__ = "review_questions"
    __table_args__ = (UniqueConstraint("source", "event_id", name="uq_review_questions_event"),)

    id = Column(Integer, primary_key=True)
    source = Column(String(300), nullable=False)
    event_id = Column(Integer, nullable=False)
    conversation_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40))
    language = Column(String(2), nullable=False)
    text = Column(Text, nullable=False)  # masked
    reasons = Column(String(200), nullable=False)  # comma-separated REASONS
    intent = Column(String(100))
    intent_confidence = Column(Float)
    topic = Column(String(64))  # the FAQ topic the bot chose, if any
    topic_confidence = Column(Float)
    asked_at = Column(UTCDateTime, nullable=False)
    cluster_id = Column(Integer, ForeignKey("review_clusters.id", ondelete="SET NULL"), index=True)
    harvested_at = Column(UTCDateTime, nullable=False, default=utcnow)
