"""Back office: the reviewer of an application, decisions, documents, notifications.

Revision ID: 0004
Revises: 0003_channels
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003_channels"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications") as batch:
        batch.add_column(sa.Column("reviewer", sa.String(64), nullable=True))
        batch.create_index("ix_applications_reviewer", ["reviewer"])
    op.create_table(
        "application_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=True),
        sa.Column("missing_fields", sa.Text(), nullable=False),
        sa.Column("missing_documents", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_application_decisions"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_application_decisions_application_id_applications",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_application_decisions_application_id", "application_decisions", ["application_id"])
    op.create_table(
        "application_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("route", sa.String(30), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_application_notifications"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name="fk_application_notifications_application_id_applications",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["application_decisions.id"],
            name="fk_application_notifications_decision_id_application_decisions",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_application_notifications_application_id", "application_notifications", ["application_id"])
    op.create_index("ix_application_notifications_decision_id", "application_notifications", ["decision_id"])


def downgrade() -> None:
    op.drop_table("application_notifications")
    op.drop_table("application_decisions")
    with op.batch_alter_table("applications") as batch:
        batch.drop_index("ix_applications_reviewer")
        batch.drop_column("reviewer")
