"""Helpers for the channel tests: matching rendered responses, tiny valid files, the app database."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any, Dict, List

from services.channels.numbers import wa_id
from tests.responses import response_text


def pattern(name: str, language: str, channel: str | None = None) -> re.Pattern:
    """A regex for response `name` whatever its variables, whitespace-insensitive."""
    text = " ".join(response_text(name, language, channel).split())
    parts = re.split(r"\{[^{}]+\}", text)
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)


def spoken(text: str) -> str:
    return " ".join((text or "").split())


def matches(text: str, name: str, language: str, channel: str | None = None) -> bool:
    return bool(pattern(name, language, channel).fullmatch(spoken(text)))


def jpeg(size: int = 2048) -> bytes:
    """Bytes that start like a JPEG file (the type is decided by the first bytes)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * max(0, size - 11)


def png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def texts_sent(graph_messages: List[Dict[str, Any]]) -> List[str]:
    """What the user reads of each Graph API message: text body, interactive body, template params."""
    out = []
    for body in graph_messages:
        if body["type"] == "text":
            out.append(body["text"]["body"])
        elif body["type"] == "interactive":
            out.append(body["interactive"]["body"]["text"])
        elif body["type"] == "template":
            out.append(body["template"]["name"])
    return out


def to(number: str) -> str:
    return wa_id(number)
