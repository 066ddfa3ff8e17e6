"""One running stack for the channel tests: Rasa with the WhatsApp and Twilio connectors pointed at
local stand-ins of the Graph API and Twilio's REST API, the action server, and the office open
around the clock (so a handoff on the phone is a transfer)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Dict, Iterator

import pytest

from tests.channels.payloads import APP_SECRET, TWILIO_NUMBER, VERIFY_TOKEN
from tests.channels.standins import (
    ACCESS_TOKEN,
    API_VERSION,
    PHONE_NUMBER_ID,
    TWILIO_SID,
    TWILIO_TOKEN,
    GraphApi,
    TwilioApi,
)
from tests.stack import BIN, ROOT, Stack, _wait

CONSULTANTS = "+48227656732"
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALWAYS_OPEN = "\n".join(
    [
        "name: {pl: Urząd testowy, en: Test office}",
        'phone: {main: "801 055 088", international: "+48 22 765 67 32"}',
        "contact_page: https://example.org/kontakt",
        "timezone: Europe/Warsaw",
        "hours:",
        *(f'  {day}: ["00:00-23:59"]' for day in _DAYS),
        'public_holidays: ""',
        "",
    ]
)


class ChannelStack(Stack):
    """The project's Stack with the channels' secrets and URLs in Rasa's and the actions' environment."""

    env: Dict[str, str] = {}

    def _spawn(self, name, args, env=None):  # noqa: ANN001, ANN202 (same signature as Stack._spawn)
        return super()._spawn(name, args, {**(env or {}), **self.env})

    def start_rasa(self) -> None:
        rasa = self._spawn(
            "rasa",
            [
                str(BIN / "rasa"),
                "run",
                "--model",
                str(self.model),
                "--endpoints",
                str(self.workdir / "endpoints.yml"),
                "--credentials",
                str(self.workdir / "credentials.yml"),
                "--port",
                str(self.rasa_port),
                "--enable-api",
                "--auth-token",
                self.token,
                "--cors",
                "*",
                "--logging-config-file",
                "logging.yml",
            ],
        )
        _wait(f"{self.url}/status?token={self.token}", rasa, self.workdir / "rasa.log")


@pytest.fixture(scope="package")
def graph_api() -> Iterator[GraphApi]:
    server = GraphApi().start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def twilio_api() -> Iterator[TwilioApi]:
    server = TwilioApi().start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def channel_stack(
    model_path: Path, tmp_path_factory: pytest.TempPathFactory, graph_api: GraphApi, twilio_api: TwilioApi
) -> Iterator[ChannelStack]:
    workdir = tmp_path_factory.mktemp("channels")
    office = workdir / "office.yml"
    office.write_text(ALWAYS_OPEN, "utf-8")
    stack = ChannelStack(model=model_path, workdir=workdir)
    stack.env = {
        "APP_DATABASE_URL": stack.app_db_url,
        "DOCUMENTS_DIR": str(workdir / "documents"),
        "DOCUMENTS_MAX_MB": "1",
        "OFFICE_CONFIG": str(office),
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_GRAPH_API_URL": graph_api.url,
        "WHATSAPP_API_VERSION": API_VERSION,
        "TWILIO_ACCOUNT_SID": TWILIO_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_MESSAGING_NUMBER": "whatsapp:" + TWILIO_NUMBER,
        "TWILIO_API_URL": twilio_api.url,
        "TWILIO_PUBLIC_URL": f"http://127.0.0.1:{stack.rasa_port}",
        "TWILIO_TRANSFER_NUMBER": CONSULTANTS,
    }
    # credentials.yml's graph_api_url / api_url name the real services; the stand-ins win via a copy.
    credentials = (ROOT / "credentials.yml").read_text("utf-8")
    credentials = credentials.replace("graph_api_url: https://graph.facebook.com", f"graph_api_url: {graph_api.url}")
    credentials = credentials.replace("api_url: https://api.twilio.com", f"api_url: {twilio_api.url}")
    (workdir / "credentials.yml").write_text(credentials, "utf-8")
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture
def caller() -> str:
    """A fresh Polish mobile number (E.164): the conversation id on the phone and on WhatsApp."""
    return "+4860" + str(uuid.uuid4().int)[:7]
