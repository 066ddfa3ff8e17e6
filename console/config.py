"""The console's settings, from environment variables (the same names scripts/run.sh and tests set)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rasa_token() -> str:
    if os.environ.get("RASA_API_TOKEN"):
        return os.environ["RASA_API_TOKEN"]
    path = ROOT / "var" / "api_token"
    return path.read_text().strip() if path.exists() else ""


@dataclass(frozen=True)
class ConsoleConfig:
    port: int = 8090
    host: str = "127.0.0.1"
    app_database_url: str | None = None  # None: services.storage.db's default ($APP_DATABASE_URL)
    events_database_url: str = "sqlite:///var/events.db"  # Rasa's SQL event broker
    rasa_url: str = "http://localhost:5005"
    rasa_token: str = ""
    secure_cookies: bool = True
    jitsi_base_url: str = "https://meet.jit.si"

    @classmethod
    def from_env(cls) -> ConsoleConfig:
        return cls(
            port=int(os.environ.get("CONSOLE_PORT", "8090")),
            host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
            app_database_url=os.environ.get("APP_DATABASE_URL") or None,
            events_database_url=os.environ.get("EVENTS_DATABASE_URL", "sqlite:///var/events.db"),
            rasa_url=os.environ.get("RASA_URL", "http://localhost:5005").rstrip("/"),
            rasa_token=_rasa_token(),
            # Browsers accept Secure cookies from http://localhost; set 0 only behind a TLS-less proxy
            secure_cookies=os.environ.get("CONSOLE_SECURE_COOKIES", "1") != "0",
        )
