"""Phone numbers as conversation ids: the caller's E.164 number is the same person on every channel."""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "PL"
_PHONE_SHAPED = re.compile(r"^\+?[\d\s().\-/]+$")  # digits and the separators people write


def e164_or_none(value: str | None, region: str = DEFAULT_REGION) -> str | None:
    """'+48601234567' for '+48 601 234 567', 'whatsapp:+48601234567' or '48601234567'; else None."""
    if not value:
        return None
    raw = str(value).strip()
    for prefix in ("whatsapp:", "tel:", "sms:"):
        if raw.lower().startswith(prefix):
            raw = raw[len(prefix) :]
    if not _PHONE_SHAPED.match(raw):
        # phonenumbers reads letters as keypad digits ("vanity" numbers): a chat session id such
        # as "test-ff463c115578" became +48463115578 and its file upload was refused as a phone's
        return None
    if raw.isdigit() and len(raw) > 9:  # WhatsApp's wa_id: country code without '+'
        raw = "+" + raw
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def wa_id(e164: str) -> str:
    """WhatsApp's recipient form of an E.164 number: digits only."""
    return e164.lstrip("+")
