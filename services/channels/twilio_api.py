"""Twilio: webhook signature checks (the SDK's RequestValidator), form parsing, the REST client.

The REST client is the twilio SDK's own, with its asynchronous HTTP client pointed at a
configurable base URL (tests run a local stand-in of api.twilio.com).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping
from urllib.parse import parse_qs

import aiohttp
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from services.channels.settings import TWILIO_API_URL, TwilioSettings


class FormParams(dict):
    """Form fields as lists (what RequestValidator's `getall` expects for repeated fields)."""

    def getall(self, name: str) -> List[str]:
        return self[name]

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name)
        return values[0] if values else default


def parse_form(raw: bytes) -> FormParams:
    """application/x-www-form-urlencoded body -> FormParams; UnicodeDecodeError on bad bytes."""
    return FormParams(parse_qs(raw.decode("utf-8"), keep_blank_values=True))


def request_valid(auth_token: str, url: str, params: Mapping[str, List[str]], signature: str | None) -> bool:
    """X-Twilio-Signature check; always False without a configured auth token or a signature."""
    if not auth_token or not signature:
        return False
    return RequestValidator(auth_token).validate(url, FormParams(params), signature)


def signature_for(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send (for tests and local tools)."""
    return RequestValidator(auth_token).compute_signature(url, dict(params))


class _BaseUrlHttpClient(AsyncTwilioHttpClient):
    def __init__(self, api_url: str) -> None:
        super().__init__(pool_connections=False, timeout=30)
        self.api_url = api_url.rstrip("/")

    async def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # noqa: ANN201 (SDK type)
        if url.startswith(TWILIO_API_URL):
            url = self.api_url + url[len(TWILIO_API_URL) :]
        return await super().request(method, url, *args, **kwargs)


def rest_client(settings: TwilioSettings) -> Client:
    return Client(settings.account_sid, settings.auth_token, http_client=_BaseUrlHttpClient(settings.api_url))


async def send_message(settings: TwilioSettings, to: str, **fields: Any) -> str:
    """Create a message (Messages resource); its SID. Raises twilio's TwilioRestException."""
    message = await rest_client(settings).messages.create_async(to=to, from_=settings.messaging_number, **fields)
    return message.sid


async def download_media(settings: TwilioSettings, url: str, max_bytes: int) -> bytes:
    """A MediaUrlN of an incoming message (HTTP basic auth with the account's SID and token)."""
    auth = aiohttp.BasicAuth(settings.account_sid, settings.auth_token)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url, auth=auth) as response:
        response.raise_for_status()
        chunks, size = [], 0
        async for chunk in response.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise OverflowError(size)
            chunks.append(chunk)
    return b"".join(chunks)


def to_dict(params: Mapping[str, List[str]]) -> Dict[str, str]:
    return {key: values[0] for key, values in params.items() if values}
