"""Checking, storing and attaching a received document."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.documents.models import ATTACHED, AWAITING_CONSULTANT, Document
from services.storage.db import PROJECT_ROOT, session_scope
from services.storage.models import CLOSED_STATUSES, Application

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# The type is decided by the first bytes, never by the file name or the declared content type.
_SIGNATURES: Tuple[Tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "jpeg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"%PDF-", "pdf", "application/pdf"),
)
CONTENT_TYPES = {kind: content_type for _, kind, content_type in _SIGNATURES}
LABELS = {"jpeg": "JPEG", "png": "PNG", "pdf": "PDF"}


class DocumentRefused(ValueError):
    """A file the office does not accept; `reason` is 'wrong_type', 'too_large' or 'empty'."""

    def __init__(self, reason: str, limit_bytes: int = DEFAULT_MAX_BYTES) -> None:
        super().__init__(reason)
        self.reason = reason
        self.limit_bytes = limit_bytes

    @property
    def limit_mb(self) -> str:
        return f"{self.limit_bytes / (1024 * 1024):g}"


@dataclass(frozen=True)
class Receipt:
    public_id: str
    kind: str  # jpeg, png, pdf
    size_bytes: int
    application_reference: str | None  # None: left for a consultant

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def storage_dir() -> Path:
    """Where files are kept: DOCUMENTS_DIR, default var/documents (never under website/static)."""
    configured = os.environ.get("DOCUMENTS_DIR")
    path = Path(configured) if configured else PROJECT_ROOT / "var" / "documents"
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def detect_kind(data: bytes) -> str | None:
    for magic, kind, _ in _SIGNATURES:
        if data.startswith(magic):
            return kind
    return None


def check(data: bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The document's kind, or DocumentRefused."""
    if len(data) > max_bytes:
        raise DocumentRefused("too_large", max_bytes)
    if not data:
        raise DocumentRefused("empty", max_bytes)
    kind = detect_kind(data)
    if kind is None:
        raise DocumentRefused("wrong_type", max_bytes)
    return kind


def _open_application(session: Session, sender_id: str) -> Application | None:
    query = (
        select(Application)
        .where(Application.sender_id == sender_id, Application.status.not_in(list(CLOSED_STATUSES)))
        .order_by(Application.created_at.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def _store(data: bytes, max_bytes: int) -> Tuple[str, str, str]:
    """Check `data` and write it under a generated name: (public id, kind, storage name)."""
    kind = check(data, max_bytes)
    public_id = secrets.token_hex(16)
    storage_name = f"{public_id}.{kind}"
    descriptor = os.open(storage_dir() / storage_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return public_id, kind, storage_name


def _record(
    data: bytes,
    public_id: str,
    kind: str,
    storage_name: str,
    sender_id: str,
    channel: str,
    application: Application | None,
    original_name: str | None,
) -> Document:
    return Document(
        public_id=public_id,
        sender_id=sender_id[:255],
        channel=channel[:40],
        application_id=application.id if application else None,
        status=ATTACHED if application else AWAITING_CONSULTANT,
        kind=kind,
        content_type=CONTENT_TYPES[kind],
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=(original_name or None) and os.path.basename(original_name)[:255],
        storage_name=storage_name,
    )


def receive_document(
    data: bytes,
    sender_id: str,
    channel: str,
    original_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    url: str | None = None,
) -> Receipt:
    """Check `data`, store it under a generated name and attach it to the sender's open application
    (or leave it for a consultant); DocumentRefused if not accepted."""
    public_id, kind, storage_name = _store(data, max_bytes)
    try:
        with session_scope(url) as session:
            application = _open_application(session, sender_id)
            session.add(_record(data, public_id, kind, storage_name, sender_id, channel, application, original_name))
            reference = application.reference if application else None
    except BaseException:
        (storage_dir() / storage_name).unlink(missing_ok=True)
        raise
    return Receipt(public_id=public_id, kind=kind, size_bytes=len(data), application_reference=reference)


def attach_document(
    session: Session,
    application: Application,
    data: bytes,
    channel: str,
    original_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """Store `data` and attach it to `application` in the caller's transaction (back office, tests)."""
    public_id, kind, storage_name = _store(data, max_bytes)
    document = _record(
        data, public_id, kind, storage_name, application.sender_id or "", channel, application, original_name
    )
    session.add(document)
    session.flush()
    return document


def documents_for_application(session: Session, application_id: int) -> List[Document]:
    query = select(Document).where(Document.application_id == application_id).order_by(Document.id)
    return list(session.scalars(query))


def documents_awaiting_consultant(session: Session) -> List[Document]:
    query = select(Document).where(Document.status == AWAITING_CONSULTANT).order_by(Document.id)
    return list(session.scalars(query))


def read_document(session: Session, public_id: str) -> Tuple[Document, bytes] | None:
    """The document and its bytes, for logged-in staff (the caller checks the login)."""
    if not public_id.isalnum() or len(public_id) != 32:
        return None
    document = session.scalars(select(Document).where(Document.public_id == public_id)).first()
    if document is None:
        return None
    return document, (storage_dir() / document.storage_name).read_bytes()
