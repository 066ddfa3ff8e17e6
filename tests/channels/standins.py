"""Local stand-ins for Meta's Graph API and Twilio's REST API, run by the tests in a thread.

They implement the few documented endpoints the connectors call, check the credentials the real
services would check, and record every request so the tests can assert what was sent.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List

from aiohttp import web

from tests.stack import free_port

ACCESS_TOKEN = "test-access-token"
PHONE_NUMBER_ID = "106540352242922"
API_VERSION = "v21.0"
TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "test-twilio-auth-token"


@dataclass
class StandIn:
    """An aiohttp application on a free port, in its own thread and event loop."""

    port: int = field(default_factory=free_port)
    requests: List[Dict[str, Any]] = field(default_factory=list)
    media: Dict[str, tuple] = field(default_factory=dict)  # id -> (bytes, content type)

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> web.Application:  # pragma: no cover - overridden
        raise NotImplementedError

    def start(self) -> StandIn:
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._runner = web.AppRunner(self.app())
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", self.port)
            self._loop.run_until_complete(site.start())
            ready.set()
            self._loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._runner:
                await self._runner.cleanup()
            self._loop.stop()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop)

    def record(self, entry: Dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    def sent(self, predicate: Callable[[Dict[str, Any]], bool] = lambda _: True) -> List[Dict[str, Any]]:
        with self._lock:
            return [r for r in self.requests if predicate(r)]

    def wait_for(
        self, predicate: Callable[[Dict[str, Any]], bool], count: int = 1, timeout: float = 60
    ) -> List[Dict[str, Any]]:
        """The recorded requests matching `predicate`, once there are at least `count` of them."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.sent(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.2)
        raise AssertionError(f"expected {count} matching request(s) within {timeout}s; got: {self.sent()}")


class GraphApi(StandIn):
    """POST /{version}/{phone-number-id}/messages, GET /{version}/{media-id}, GET /files/{media-id}."""

    def app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post(f"/{API_VERSION}/{PHONE_NUMBER_ID}/messages", self.send)
        app.router.add_get(f"/{API_VERSION}/{{media_id}}", self.media_info)
        app.router.add_get("/files/{media_id}", self.media_file)
        return app

    @staticmethod
    def _authorised(request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {ACCESS_TOKEN}"

    async def send(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"message": "Invalid OAuth access token.", "code": 190}}, status=401)
        body = await request.json()
        if body.get("messaging_product") != "whatsapp" or not body.get("to") or not body.get("type"):
            return web.json_response({"error": {"message": "Invalid parameter", "code": 100}}, status=400)
        message_id = f"wamid.OUT{uuid.uuid4().hex}"
        self.record({"kind": "message", "body": body, "id": message_id})
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": message_id}],
            }
        )

    async def media_info(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self.media:
            return web.json_response({"error": {"message": "Unsupported get request.", "code": 100}}, status=400)
        data, content_type = self.media[media_id]
        self.record({"kind": "media_info", "id": media_id})
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.url}/files/{media_id}",
                "mime_type": content_type,
                "sha256": "0" * 64,
                "file_size": len(data),
                "id": media_id,
            }
        )

    async def media_file(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self.media:
            return web.Response(status=404)
        data, content_type = self.media[media_id]
        self.record({"kind": "media_file", "id": media_id})
        return web.Response(body=data, content_type=content_type.split(";")[0])

    def messages_to(self, wa_id: str) -> List[Dict[str, Any]]:
        return [r["body"] for r in self.sent(lambda r: r["kind"] == "message" and r["body"]["to"] == wa_id)]


class TwilioApi(StandIn):
    """POST /2010-04-01/Accounts/{sid}/Messages.json and media URLs (HTTP basic auth)."""

    def app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self.create_message)
        app.router.add_get("/media/{media_id}", self.media_file)
        return app

    @staticmethod
    def _authorised(request: web.Request) -> bool:
        expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
        return request.headers.get("Authorization") == expected

    async def create_message(self, request: web.Request) -> web.Response:
        if not self._authorised(request) or request.match_info["sid"] != TWILIO_SID:
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = await request.post()
        fields = {key: form.getall(key) for key in set(form.keys())}
        sid = "SM" + uuid.uuid4().hex
        self.record({"kind": "message", "form": {k: v if len(v) > 1 else v[0] for k, v in fields.items()}})
        return web.json_response(
            {
                "sid": sid,
                "account_sid": TWILIO_SID,
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "status": "queued",
                "num_media": "0",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json",
            },
            status=201,
        )

    async def media_file(self, request: web.Request) -> web.Response:
        media_id = request.match_info["media_id"]
        if not self._authorised(request) or media_id not in self.media:
            return web.Response(status=404)
        data, content_type = self.media[media_id]
        return web.Response(body=data, content_type=content_type)

    def messages_to(self, to: str) -> List[Dict[str, Any]]:
        return [r["form"] for r in self.sent(lambda r: r["kind"] == "message" and r["form"].get("To") == to)]
