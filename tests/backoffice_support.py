"""Stand-ins and helpers for the back-office tests: an SMTP server, the WhatsApp Graph API, sample data.

The stand-ins are real servers on free ports (socketserver / http.server in a thread): the code under
test talks SMTP and HTTP to them exactly as it would to the real services.
"""

from __future__ import annotations

import json
import socketserver
import threading
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List
from zoneinfo import ZoneInfo

from services.storage.applications import AddressData, ApplicationData
from services.storage.db import dispose_engines
from services.storage.migrate import upgrade_to_head
from services.storage.models import TaxForm, ZusOption
from tests.registration.support import make_pesel
from tests.services import fresh_postgres_database

PESEL = make_pesel(date(1988, 3, 9), serial=2718)
HOME = AddressData("Długa", "5/3", "00-238", "Warszawa")
# a 1x1 PNG and a minimal PDF: real files, recognised by their first bytes
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf"
    "c0f01f0005000201a5f1c6f20000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def office_today() -> date:
    from datetime import datetime

    return datetime.now(ZoneInfo("Europe/Warsaw")).date()


def sample(**changes: Any) -> ApplicationData:
    data: Dict[str, Any] = dict(
        first_name="Anna",
        last_name="Nowak",
        pesel=PESEL,
        email="anna.nowak@example.com",
        phone="+48601234567",
        residence=HOME,
        business=HOME,
        business_same_as_residence=True,
        business_name="Anna Nowak Projekty",
        pkd_main="62.01.Z",
        pkd_extra=("62.02.Z",),
        start_date=office_today() + timedelta(days=10),
        tax_form=TaxForm.FLAT,
        zus_option=ZusOption.START_RELIEF,
        language="pl",
        channel="rest",
        sender_id=f"bo-{uuid.uuid4().hex[:10]}",
    )
    data.update(changes)
    return ApplicationData(**data)


def database(kind: str, tmp_path: Path) -> Iterator[str]:
    """An application database at the newest schema (for a fixture); PostgreSQL must be running (no skip)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'app.db'}"
        upgrade_to_head(url)
        yield url
        dispose_engines()
        return
    for url in fresh_postgres_database("backoffice_test"):
        upgrade_to_head(url)
        yield url


# --- SMTP ------------------------------------------------------------------------------------------
class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def _reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self._reply("220 standin ESMTP")
        sender, recipients = "", []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-standin\r\n250 8BITMIME\r\n")
            elif verb == "HELO":
                self._reply("250 standin")
            elif verb == "MAIL":
                sender, recipients = command[10:].strip("<> "), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command[8:].strip("<> "))
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if line in (b".\r\n", b".\n", b""):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                message = message_from_bytes(b"".join(lines), policy=policy.default)
                self.server.messages.append({"from": sender, "to": recipients, "message": message})  # type: ignore[attr-defined]
                self._reply("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _SmtpServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


@dataclass
class SmtpStandIn:
    server: _SmtpServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = _SmtpServer(("127.0.0.1", 0), _SmtpHandler)
        self.server.messages = []  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def messages(self) -> List[Dict[str, Any]]:
        return self.server.messages  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --- WhatsApp Cloud API ----------------------------------------------------------------------------
class _GraphHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.server.requests.append(  # type: ignore[attr-defined]
            {"path": self.path, "authorization": self.headers.get("authorization"), "body": body}
        )
        answer = json.dumps(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body.get("to"), "wa_id": body.get("to")}],
                "messages": [{"id": f"wamid.{uuid.uuid4().hex}"}],
            }
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@dataclass
class GraphStandIn:
    """The Graph API's `POST /{version}/{phone-number-id}/messages`, recording what it was sent."""

    server: ThreadingHTTPServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _GraphHandler)
        self.server.requests = []  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self) -> List[Dict[str, Any]]:
        return self.server.requests  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
