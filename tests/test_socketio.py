"""The socket.io channel the website uses: replies, language metadata, bad input."""

from __future__ import annotations

import queue
import time
import uuid
from typing import Any, Dict, List

import socketio

from tests.responses import response_text
from tests.stack import Stack


class ChatClient:
    def __init__(self, url: str) -> None:
        self.session_id = uuid.uuid4().hex
        self.replies: queue.Queue[Dict[str, Any]] = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.replies.put)
        confirmed: queue.Queue[str] = queue.Queue()
        self.client.on("session_confirm", confirmed.put)
        self.client.connect(url, transports=["websocket"])
        self.client.emit("session_request", {"session_id": self.session_id})
        confirmed.get(timeout=30)

    def send(self, message: Any, metadata: Dict[str, Any] | None = None) -> None:
        self.client.emit(
            "user_uttered", {"message": message, "session_id": self.session_id, "metadata": metadata or {}}
        )

    def next_reply(self, timeout: float = 60) -> Dict[str, Any]:
        return self.replies.get(timeout=timeout)

    def wait_for(self, text: str, timeout: float = 90) -> List[Dict[str, Any]]:
        """Replies up to and including the one with `text` (earlier messages may still be answered)."""
        got: List[Dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                got.append(self.replies.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                break
            if got[-1].get("text") == text:
                return got
        raise AssertionError(
            f"no reply {text[:40]!r}... within {timeout}s; got {[g.get('text', '')[:40] for g in got]}"
        )


def test_socketio_replies_in_the_users_language(rasa_stack: Stack) -> None:
    chat = ChatClient(rasa_stack.url)
    try:
        chat.send("Dzień dobry")
        assert chat.next_reply()["text"] == response_text("utter_greet", "pl")
        chat.send("Hello, good morning!")
        reply = chat.next_reply()
        assert reply["text"] == response_text("utter_greet", "en")
        assert [b["title"] for b in reply["quick_replies"]] == ["Register a business", "Talk to a consultant"]
    finally:
        chat.client.disconnect()


def test_socketio_bad_input_keeps_the_server_serving(rasa_stack: Stack) -> None:
    chat = ChatClient(rasa_stack.url)
    try:
        for message in ("", "😀🎉", "ulga " * 20000, "Hello, potrzebuję pomocy z VAT please"):
            chat.send(message, {"language": "pl"})
        chat.client.emit("user_uttered", "not a dict")
        chat.client.emit("user_uttered", {"session_id": chat.session_id})
        chat.send("Hello")
        chat.wait_for(response_text("utter_greet", "en"))
    finally:
        chat.client.disconnect()
    assert rasa_stack.say("after-socket-abuse", "Dzień dobry")[0]["text"] == response_text("utter_greet", "pl")
