"""The action server's endpoint when the action server is down: one apology per message, turn ended."""

from __future__ import annotations

import asyncio
import socket

from runtime.action_endpoint import ResilientActionEndpoint, one_apology


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once the probe is closed


def _call(endpoint: ResilientActionEndpoint, body: dict) -> dict:
    return asyncio.run(endpoint.request(json=body, method="post", timeout=5))


def test_one_message_gets_one_apology_and_ends_the_turn() -> None:
    endpoint = ResilientActionEndpoint(url=f"http://127.0.0.1:{_closed_port()}/webhook")
    body = {"next_action": "action_rate_service", "tracker": {"slots": {"language": "pl"}}}

    async def one_message() -> list:
        with one_apology():
            return [await endpoint.request(json=body, method="post", timeout=5) for _ in range(3)]

    first, *later = asyncio.run(one_message())
    assert [r["response"] for r in first["responses"]] == ["utter_service_unavailable"]
    assert first["responses"][0]["phone_main"]  # the consultants' number from office.yml
    assert all(reply["responses"] == [] for reply in later)
    assert all(r["events"] == [{"event": "followup", "name": "action_listen"}] for r in [first, *later])
    # the next message apologises again; outside a message (the HTTP API) every call apologises
    assert len(asyncio.run(one_message())[0]["responses"]) == 1
    assert len(_call(endpoint, body)["responses"]) == len(_call(endpoint, body)["responses"]) == 1


def test_a_failed_session_start_still_starts_the_session_and_keeps_the_slots() -> None:
    endpoint = ResilientActionEndpoint(url=f"http://127.0.0.1:{_closed_port()}/webhook")
    body = {"next_action": "action_session_start", "tracker": {"slots": {"language": "en", "reg_pesel": None}}}
    reply = _call(endpoint, body)
    assert reply["events"] == [
        {"event": "session_started"},
        {"event": "slot", "name": "language", "value": "en"},
        {"event": "action", "name": "action_listen"},
    ]
