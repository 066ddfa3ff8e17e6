"""Webhook signatures: Meta's X-Hub-Signature-256 (Twilio's is checked with the SDK's RequestValidator)."""

from __future__ import annotations

import hashlib
import hmac


def meta_signature(app_secret: str, body: bytes) -> str:
    """The header value Meta sends: 'sha256=' + HMAC-SHA256(app secret, raw body) in hex."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def meta_signature_valid(app_secret: str, body: bytes, header: str | None) -> bool:
    """True only with a configured secret and a matching header (compared in constant time)."""
    if not app_secret or not header:
        return False
    return hmac.compare_digest(meta_signature(app_secret, body), header.strip())
