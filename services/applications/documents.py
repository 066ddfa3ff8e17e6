"""Documents attached to an application: files outside the web root, under generated names.

A minimal store for the back office (the channels' document intake, services/documents on the
`channels` branch, has the same shape and can replace it): the type is decided by the first bytes
(JPEG, PNG, PDF only), the file is named by a random id, and `read_document` is meant to be called
only behind the console's login.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import List, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.applications.models import ApplicationDocument
from services.storage.db import PROJECT_ROOT
from services.storage.models import Application

MAX_BYTES = 10 * 1024 * 1024
_SIGNATURES: Tuple[Tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "jpeg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"%PDF-", "pdf", "application/pdf"),
)


class DocumentRefused(ValueError):
    """Not accepted: `reason` is 'empty', 'too_large' or 'wrong_type'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def storage_dir() -> Path:
    """DOCUMENTS_DIR, default var/documents: never under website/ or console/static/."""
    configured = os.environ.get("DOCUMENTS_DIR")
    path = Path(configured) if configured else PROJECT_ROOT / "var" / "documents"
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def detect(data: bytes) -> Tuple[str, str]:
    if not data:
        raise DocumentRefused("empty")
    if len(data) > MAX_BYTES:
        raise DocumentRefused("too_large")
    for magic, kind, content_type in _SIGNATURES:
        if data.startswith(magic):
            return kind, content_type
    raise DocumentRefused("wrong_type")


def attach_document(
    session: Session, application: Application, data: bytes, channel: str, original_name: str | None = None
) -> ApplicationDocument:
    """Store `data` and attach it to `application` (in the caller's transaction)."""
    kind, content_type = detect(data)
    public_id = secrets.token_hex(16)
    storage_name = f"{public_id}.{kind}"
    target = storage_dir() / storage_name
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    document = ApplicationDocument(
        public_id=public_id,
        application_id=application.id,
        channel=channel[:40],
        kind=kind,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        original_name=(original_name or None) and os.path.basename(original_name)[:255],
        storage_name=storage_name,
    )
    session.add(document)
    session.flush()
    return document


def documents_for_application(session: Session, application_id: int) -> List[ApplicationDocument]:
    query = select(ApplicationDocument).where(ApplicationDocument.application_id == application_id)
    return list(session.execute(query.order_by(ApplicationDocument.id)).scalars())


def read_document(session: Session, public_id: str) -> Tuple[ApplicationDocument, bytes] | None:
    """The document and its bytes, or None; the caller has checked the verifier's login."""
    if not public_id.isalnum() or len(public_id) != 32:
        return None
    document = session.execute(
        select(ApplicationDocument).where(ApplicationDocument.public_id == public_id)
    ).scalar_one_or_none()
    if document is None:
        return None
    return document, (storage_dir() / document.storage_name).read_bytes()
