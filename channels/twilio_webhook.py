"""What every Twilio webhook does first (messaging and voice): size limit, form parsing, signature.

Twilio signs the URL it called plus the POSTed form fields (`X-Twilio-Signature`, checked with the
twilio SDK's `RequestValidator` in `services.channels.twilio_api`); nothing is read before that.
"""

from __future__ import annotations

from typing import Dict, Tuple

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from services.channels import twilio_api
from services.channels.settings import TwilioSettings

MAX_BODY_BYTES = 64 * 1024


def public_url(settings: TwilioSettings, request: Request) -> str:
    """The URL Twilio signed: the configured public base + path, else the URL as received."""
    if settings.public_url:
        query = f"?{request.query_string}" if request.query_string else ""
        return f"{settings.public_url}{request.path}{query}"
    return request.url


def verified_form(settings: TwilioSettings, request: Request) -> Tuple[Dict[str, str], HTTPResponse | None]:
    """The webhook's form fields, or an error response (413, 400, 403) to return instead."""
    raw = request.body or b""
    if len(raw) > MAX_BODY_BYTES:
        return {}, response.json({"error": "Request body too large."}, status=413)
    try:
        params = twilio_api.parse_form(raw)
    except (UnicodeDecodeError, ValueError):
        return {}, response.json({"error": "The body must be form-encoded UTF-8."}, status=400)
    signature = request.headers.get("X-Twilio-Signature")
    if not twilio_api.request_valid(settings.auth_token, public_url(settings, request), params, signature):
        return {}, response.json({"error": "Invalid or missing X-Twilio-Signature."}, status=403)
    return twilio_api.to_dict(params), None
