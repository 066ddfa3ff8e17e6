"""The scaled profile's settings, all from the environment, checked before anything starts.

Hosts and ports default to the services on this machine; secrets have no default: a missing one
stops the start with a message naming it (an empty value is allowed where the service has no
password, e.g. a PostgreSQL with trust authentication, but it must be set explicitly).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Dict, List, Mapping
from urllib.parse import quote

DEFAULTS: Dict[str, str] = {
    "VO_PG_HOST": "localhost",
    "VO_PG_PORT": "5432",
    "VO_PG_USER": "postgres",
    "VO_TRACKER_DB": "vo_tracker",
    "VO_APP_DB": "vo_app",
    "VO_REDIS_HOST": "localhost",
    "VO_REDIS_PORT": "6379",
    "VO_REDIS_LOCK_DB": "0",
    "VO_RABBITMQ_HOST": "localhost",
    "VO_RABBITMQ_PORT": "5672",
    "VO_RABBITMQ_USER": "guest",
    "VO_RABBITMQ_QUEUE": "vo_events",
}

SECRETS: Dict[str, str] = {
    "VO_PG_PASSWORD": "PostgreSQL password of VO_PG_USER (set it empty for trust authentication)",
    "VO_REDIS_PASSWORD": "Redis password (set it empty if Redis has none)",
    "VO_RABBITMQ_PASSWORD": "RabbitMQ password of VO_RABBITMQ_USER",
    "VO_TRACKER_KEY": "key that seals personal slot values in the tracker store (Fernet; see docs/SCALING.md)",
    "RASA_API_TOKEN": "token of Rasa's HTTP API (or RASA_JWT_SECRET for JWT)",
}


class MissingSettings(SystemExit):
    pass


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, str]

    def __getitem__(self, name: str) -> str:
        return self.values[name]

    def _postgres(self, database: str) -> str:
        user = quote(self["VO_PG_USER"], safe="")
        password = quote(self["VO_PG_PASSWORD"], safe="")
        credentials = f"{user}:{password}" if password else user
        return f"postgresql://{credentials}@{self['VO_PG_HOST']}:{self['VO_PG_PORT']}/{database}"

    @property
    def app_database_url(self) -> str:
        return self.values.get("APP_DATABASE_URL") or self._postgres(self["VO_APP_DB"])

    @property
    def tracker_database_url(self) -> str:
        return self._postgres(self["VO_TRACKER_DB"])

    @property
    def postgres_admin_url(self) -> str:
        return self._postgres("postgres")

    @property
    def redis_url(self) -> str:
        password = quote(self["VO_REDIS_PASSWORD"], safe="")
        auth = f":{password}@" if password else ""
        return f"redis://{auth}{self['VO_REDIS_HOST']}:{self['VO_REDIS_PORT']}"


def missing(environ: Mapping[str, str]) -> List[str]:
    """Secrets that are not set at all (an empty value counts as set)."""
    absent = [name for name in SECRETS if name not in environ]
    if "RASA_API_TOKEN" in absent and environ.get("RASA_JWT_SECRET"):
        absent.remove("RASA_API_TOKEN")
    return absent


def load(environ: Mapping[str, str] | None = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    absent = missing(environ)
    if absent:
        lines = "\n".join(f"  {name}: {SECRETS[name]}" for name in absent)
        raise MissingSettings(
            f"The scaled profile needs these settings from the environment and they are not set:\n{lines}\n"
            "Secrets are never read from files in the repository; see docs/SCALING.md."
        )
    return Settings(
        {**DEFAULTS, **{k: v for k, v in environ.items() if k in DEFAULTS or k.startswith(("VO_", "APP_"))}}
    )


def main() -> None:
    """Prints `export NAME=value` lines for the shell (defaults filled in), or fails with what is missing."""
    try:
        settings = load()
    except MissingSettings as error:
        print(error.code, file=sys.stderr)
        sys.exit(2)
    exports = {
        **settings.values,
        "APP_DATABASE_URL": settings.app_database_url,
        "VO_SOCKETIO_REDIS_URL": settings.redis_url + "/1",
        "VO_RATE_LIMIT_REDIS_URL": settings.redis_url + "/2",
    }
    for name, value in sorted(exports.items()):
        print(f"export {name}={quote_shell(value)}")


def quote_shell(value: str) -> str:
    return "'" + value.replace("'", "'\"'\"'") + "'"


if __name__ == "__main__":
    main()
