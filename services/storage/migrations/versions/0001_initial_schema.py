"""Initial schema: applications, their PKD codes and status history, ratings.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the value lists at this revision (migrations must not import the live models).
# Constraint names go through the naming convention of services.storage.models (ck_<table>_<name>).
STATUSES = ("submitted", "in_review", "needs_information", "accepted", "rejected")
TAX_FORMS = ("scale", "flat", "lump_sum")
ZUS_OPTIONS = ("start_relief", "preferential", "full")
PERSONAL_COLUMNS = (
    "first_name",
    "last_name",
    "pesel",
    "email",
    "phone",
    "business_name",
    "residence_street",
    "residence_number",
    "residence_postal_code",
    "residence_city",
    "business_street",
    "business_number",
    "business_postal_code",
    "business_city",
)


def _enum(values: tuple, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(20), nullable=False),
        sa.Column("status", _enum(STATUSES, "application_status"), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("channel", sa.String(40)),
        sa.Column("sender_id", sa.String(255)),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100)),
        sa.Column("pesel", sa.String(11)),
        sa.Column("email", sa.String(254)),
        sa.Column("phone", sa.String(16)),
        sa.Column("residence_street", sa.String(150)),
        sa.Column("residence_number", sa.String(30)),
        sa.Column("residence_postal_code", sa.String(6)),
        sa.Column("residence_city", sa.String(100)),
        sa.Column("business_same_as_residence", sa.Boolean(), nullable=False),
        sa.Column("business_street", sa.String(150)),
        sa.Column("business_number", sa.String(30)),
        sa.Column("business_postal_code", sa.String(6)),
        sa.Column("business_city", sa.String(100)),
        sa.Column("business_name", sa.String(512)),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("tax_form", _enum(TAX_FORMS, "tax_form"), nullable=False),
        sa.Column("zus_option", _enum(ZUS_OPTIONS, "zus_option"), nullable=False),
        sa.Column("nip", sa.String(10)),
        sa.Column("regon", sa.String(14)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_check_failures", sa.Integer(), nullable=False),
        sa.Column("status_check_locked_until", sa.DateTime(timezone=True)),
        sa.Column("anonymised_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_applications"),
        sa.UniqueConstraint("reference", name="uq_applications_reference"),
        sa.CheckConstraint(
            "anonymised_at IS NOT NULL OR (" + " AND ".join(f"{name} IS NOT NULL" for name in PERSONAL_COLUMNS) + ")",
            name="personal_data_present",
        ),
    )
    op.create_index("ix_applications_sender_id", "applications", ["sender_id"])

    op.create_table(
        "application_pkd_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(7), nullable=False),
        sa.Column("classification", sa.String(8), nullable=False),
        sa.Column("is_main", sa.Boolean(), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_application_pkd_codes"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            ondelete="CASCADE",
            name="fk_application_pkd_codes_application_id_applications",
        ),
        sa.UniqueConstraint("application_id", "code", name="uq_application_pkd_codes_code"),
    )
    op.create_index("ix_application_pkd_codes_application_id", "application_pkd_codes", ["application_id"])

    op.create_table(
        "application_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("from_status", _enum(STATUSES, "from_status")),
        sa.Column("to_status", _enum(STATUSES, "to_status"), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("changed_by", sa.String(100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_application_status_changes"),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            ondelete="CASCADE",
            name="fk_application_status_changes_application_id_applications",
        ),
    )
    op.create_index("ix_application_status_changes_application_id", "application_status_changes", ["application_id"])

    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("channel", sa.String(40)),
        sa.Column("rating", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ratings"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )
    op.create_index("ix_ratings_sender_id", "ratings", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_ratings_sender_id", table_name="ratings")
    op.drop_table("ratings")
    op.drop_index("ix_application_status_changes_application_id", table_name="application_status_changes")
    op.drop_table("application_status_changes")
    op.drop_index("ix_application_pkd_codes_application_id", table_name="application_pkd_codes")
    op.drop_table("application_pkd_codes")
    op.drop_index("ix_applications_sender_id", table_name="applications")
    op.drop_table("applications")
