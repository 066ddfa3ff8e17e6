"""The analysts' loop: harvest watermarks, masked harvested questions, clusters and their labels.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copy of the value list at this revision (migrations must not import the live models).
DECISIONS = ("paraphrase", "new_topic", "out_of_scope", "ignore")


def upgrade() -> None:
    op.create_table(
        "review_watermarks",
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("harvested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", name="pk_review_watermarks"),
    )
    decisions = ", ".join(f"'{d}'" for d in DECISIONS)
    op.create_table(
        "review_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bot_topic", sa.String(64)),
        sa.Column("bot_confidence", sa.Float()),
        sa.Column("decision", sa.String(20)),
        sa.Column("topic_id", sa.String(64)),
        sa.Column("decided_by", sa.String(64)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_clusters"),
        sa.CheckConstraint(f"decision IS NULL OR decision IN ({decisions})", name="ck_review_clusters_decision_known"),
    )
    op.create_index("ix_review_clusters_decision", "review_clusters", ["decision"])
    op.create_table(
        "review_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(40)),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reasons", sa.String(200), nullable=False),
        sa.Column("intent", sa.String(100)),
        sa.Column("intent_confidence", sa.Float()),
        sa.Column("topic", sa.String(64)),
        sa.Column("topic_confidence", sa.Float()),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cluster_id", sa.Integer()),
        sa.Column("harvested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_questions"),
        sa.UniqueConstraint("source", "event_id", name="uq_review_questions_event"),
        sa.ForeignKeyConstraint(
            ["cluster_id"],
            ["review_clusters.id"],
            name="fk_review_questions_cluster_id_review_clusters",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_review_questions_conversation_id", "review_questions", ["conversation_id"])
    op.create_index("ix_review_questions_cluster_id", "review_questions", ["cluster_id"])


def downgrade() -> None:
    op.drop_table("review_questions")
    op.drop_table("review_clusters")
    op.drop_table("review_watermarks")
