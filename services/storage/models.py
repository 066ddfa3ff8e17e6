"""The application database schema: applications (with PKD codes and status history) and ratings.

Column sizes follow CEIDG's own limits where they exist. Personal columns are nullable only so that
closed applications can be anonymised after the retention period (see docs/PRIVACY.md); a CHECK
constraint keeps them mandatory while the application is not anonymised.
"""

from __future__ import annotations

import enum
from datetime import datetime, timezone
from typing import Any, List

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so that migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class ApplicationStatus(str, enum.Enum):
    """Where an application is in the office's process."""

    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    NEEDS_INFORMATION = "needs_information"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


CLOSED_STATUSES = frozenset({ApplicationStatus.ACCEPTED, ApplicationStatus.REJECTED})


class TaxForm(str, enum.Enum):
    """Form of income taxation chosen in CEIDG-1."""

    SCALE = "scale"
    FLAT = "flat"
    LUMP_SUM = "lump_sum"


class ZusOption(str, enum.Enum):
    """Social-insurance option at the start of the business."""

    START_RELIEF = "start_relief"
    PREFERENTIAL = "preferential"
    FULL = "full"


def _values(enum_class: type) -> List[str]:
    return [member.value for member in enum_class]


def _enum(enum_class: type, name: str) -> Enum:
    """A portable enum column: VARCHAR + CHECK, storing the member values (not the names)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=_values,
    )


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite has no time zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(timezone.utc)")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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


class Application(Base):
    """One CEIDG-1 application for a sole proprietorship, as filed through the assistant."""

    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint(
            "anonymised_at IS NOT NULL OR (" + " AND ".join(f"{name} IS NOT NULL" for name in PERSONAL_COLUMNS) + ")",
            name="personal_data_present",
        ),
    )

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), nullable=False, unique=True)
    status = Column(_enum(ApplicationStatus, "application_status"), nullable=False, default=ApplicationStatus.SUBMITTED)
    language = Column(String(2), nullable=False)
    channel = Column(String(40))
    sender_id = Column(String(255), index=True)

    first_name = Column(String(100))
    last_name = Column(String(100))
    pesel = Column(String(11))
    email = Column(String(254))
    phone = Column(String(16))  # E.164, +48XXXXXXXXX

    residence_street = Column(String(150))
    residence_number = Column(String(30))
    residence_postal_code = Column(String(6))
    residence_city = Column(String(100))
    business_same_as_residence = Column(Boolean, nullable=False, default=False)
    business_street = Column(String(150))
    business_number = Column(String(30))
    business_postal_code = Column(String(6))
    business_city = Column(String(100))

    business_name = Column(String(512))
    start_date = Column(Date, nullable=False)
    tax_form = Column(_enum(TaxForm, "tax_form"), nullable=False)
    zus_option = Column(_enum(ZusOption, "zus_option"), nullable=False)
    nip = Column(String(10))
    regon = Column(String(14))

    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    # Set by the repository on submission and status changes only: failed status checks and
    # anonymisation must not look like a change of the application.
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    status_check_failures = Column(Integer, nullable=False, default=0)
    status_check_locked_until = Column(UTCDateTime)
    anonymised_at = Column(UTCDateTime)
    # The verifier who took the application for review (back office, services/applications/).
    reviewer = Column(String(64), index=True)

    pkd_codes = relationship(
        "ApplicationPkdCode",
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationPkdCode.position",
        lazy="selectin",
    )
    status_changes = relationship(
        "ApplicationStatusChange",
        back_populates="application",
        cascade="all, delete-orphan",
        order_by="ApplicationStatusChange.id",
        lazy="selectin",
    )

    @property
    def pkd_main(self) -> str | None:
        return next((c.code for c in self.pkd_codes if c.is_main), None)

    @property
    def pkd_extra(self) -> List[str]:
        return [c.code for c in self.pkd_codes if not c.is_main]


class ApplicationPkdCode(Base):
    """A PKD subclass declared in the application; exactly one is the main activity."""

    __tablename__ = "application_pkd_codes"
    __table_args__ = (UniqueConstraint("application_id", "code", name="uq_application_pkd_codes_code"),)

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)
    code = Column(String(7), nullable=False)  # NN.NN.X
    classification = Column(String(8), nullable=False, default="PKD2007")
    is_main = Column(Boolean, nullable=False, default=False)
    position = Column(SmallInteger, nullable=False, default=0)

    application = relationship("Application", back_populates="pkd_codes")


class ApplicationStatusChange(Base):
    """Audit trail: every status an application went through, when and by whom."""

    __tablename__ = "application_status_changes"

    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("applications.id", ondelete="CASCADE"), nullable=False, index=True)
    from_status = Column(_enum(ApplicationStatus, "from_status"))
    to_status = Column(_enum(ApplicationStatus, "to_status"), nullable=False)
    note = Column(Text)
    changed_by = Column(String(100), nullable=False)
    changed_at = Column(UTCDateTime, nullable=False, default=utcnow)

    application = relationship("Application", back_populates="status_changes")


class Rating(Base):
    """A user's 1-5 rating of the service, optionally with a comment."""

    __tablename__ = "ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    channel = Column(String(40))
    rating = Column(SmallInteger, nullable=False)
    comment = Column(Text)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


__all__ = [
    "Application",
    "ApplicationPkdCode",
    "ApplicationStatus",
    "ApplicationStatusChange",
    "Base",
    "CLOSED_STATUSES",
    "PERSONAL_COLUMNS",
    "Rating",
    "TaxForm",
    "UTCDateTime",
    "ZusOption",
    "utcnow",
]
