"""Console accounts (users, sessions, login attempts, audit log) and handoff tickets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Frozen copies of the value lists at this revision (migrations must not import the live models).
ROLES = ("agent", "supervisor", "verifier", "analyst")
QUEUES = ("general", "registration", "english", "video")
STATUSES = ("waiting", "active", "closed", "abandoned")
KINDS = ("live", "callback", "message")


def _one_of(column: str, values: tuple) -> str:
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    op.create_table(
        "staff_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("queues", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_users"),
        sa.UniqueConstraint("username", name="uq_staff_users_username"),
        sa.CheckConstraint(_one_of("role", ROLES), name="role_known"),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_staff_sessions"),
        sa.UniqueConstraint("token_hash", name="uq_staff_sessions_token_hash"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_users.id"], name="fk_staff_sessions_user_id_staff_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_staff_sessions_user_id", "staff_sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_attempts"),
    )
    op.create_index("ix_login_attempts_username", "login_attempts", ["username"])
    op.create_index("ix_login_attempts_address", "login_attempts", ["address"])
    op.create_index("ix_login_attempts_attempted_at", "login_attempts", ["attempted_at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("detail", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor"])
    op.create_table(
        "handoff_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("reason", sa.String(30), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("queue", sa.String(20), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("last_question", sa.Text()),
        sa.Column("message", sa.Text()),
        sa.Column("form_progress", sa.Text()),
        sa.Column("meeting_url", sa.String(300)),
        sa.Column("assigned_agent", sa.String(64)),
        sa.Column("rating", sa.SmallInteger()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True)),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("rated_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_handoff_tickets"),
        sa.CheckConstraint(_one_of("queue", QUEUES), name="queue_known"),
        sa.CheckConstraint(_one_of("status", STATUSES), name="status_known"),
        sa.CheckConstraint(_one_of("kind", KINDS), name="kind_known"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )
    op.create_index("ix_handoff_tickets_conversation_id", "handoff_tickets", ["conversation_id"])
    op.create_index("ix_handoff_tickets_queue", "handoff_tickets", ["queue"])
    op.create_index("ix_handoff_tickets_status", "handoff_tickets", ["status"])
    op.create_index("ix_handoff_tickets_assigned_agent", "handoff_tickets", ["assigned_agent"])


def downgrade() -> None:
    op.drop_table("handoff_tickets")
    op.drop_table("audit_log")
    op.drop_table("login_attempts")
    op.drop_table("staff_sessions")
    op.drop_table("staff_users")
