"""No message stalls the others: NLU runs off the event loop, input is bounded, senders are rate-limited."""

from __future__ import annotations

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from channels.limits import MAX_MESSAGE_CHARS
from services.ratelimit import DEFAULT_LIMIT, parse_limit
from tests.responses import response_text
from tests.stack import Stack, texts

LONG_POLISH = ("Chciałbym zapytać o rejestrację działalności gospodarczej i podatki w pierwszym roku " * 20)[
    :MAX_MESSAGE_CHARS
]


def _timed_say(stack: Stack, sender: str, text: str) -> tuple[float, list]:
    started = time.perf_counter()
    reply = stack.say(sender, text)
    return time.perf_counter() - started, reply


def test_a_long_message_does_not_hold_up_another_conversation(rasa_stack: Stack, sender: str) -> None:
    alone = [_timed_say(rasa_stack, f"{sender}-alone-{i}", "Dzień dobry")[0] for i in range(3)]
    long_alone, _ = _timed_say(rasa_stack, f"{sender}-long-alone", LONG_POLISH)

    long_result: dict = {}
    worker = threading.Thread(
        target=lambda: long_result.update(seconds=_timed_say(rasa_stack, f"{sender}-long", LONG_POLISH)[0])
    )
    worker.start()
    time.sleep(min(0.05, long_alone / 4))  # the long message is being parsed now
    short_seconds, reply = _timed_say(rasa_stack, f"{sender}-short", "Dzień dobry")
    worker.join()

    assert texts(reply) == response_text("utter_greet", "pl")
    baseline = statistics.median(alone)
    print(
        f"short alone {baseline * 1000:.0f} ms, long alone {long_alone * 1000:.0f} ms, short beside long "
        f"{short_seconds * 1000:.0f} ms, long beside short {long_result['seconds'] * 1000:.0f} ms"
    )
    # before NLU ran off the loop, the short reply waited for the whole long parse
    assert short_seconds < long_result["seconds"], (short_seconds, long_result)
    assert short_seconds - baseline < max(0.5 * long_alone, 0.1), (baseline, short_seconds, long_alone)


def test_messages_over_the_chat_limit_are_refused_with_the_limit(rasa_stack: Stack, sender: str) -> None:
    response = requests.post(
        f"{rasa_stack.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "a" * (MAX_MESSAGE_CHARS + 1)},
        timeout=30,
    )
    assert response.status_code == 413
    assert response.json() == {"error": f"The message is too long: at most {MAX_MESSAGE_CHARS} characters."}


def test_a_flooding_sender_is_limited_and_others_are_not(rasa_stack: Stack, sender: str) -> None:
    burst, _ = parse_limit(DEFAULT_LIMIT)
    webhook = f"{rasa_stack.url}/webhooks/rest/webhook"

    def post(number: int) -> requests.Response:
        return requests.post(webhook, json={"sender": f"{sender}-flood", "message": f"ok {number}"}, timeout=120)

    with ThreadPoolExecutor(max_workers=32) as pool:
        # well past the burst even on a slow machine, where the 1/s refill adds tokens meanwhile
        responses = list(pool.map(post, range(int(burst) * 3)))
    statuses = [r.status_code for r in responses]
    limited = [r for r in responses if r.status_code == 429]
    assert set(statuses) <= {200, 429} and limited, statuses
    assert statuses.count(200) >= burst, statuses
    assert int(limited[0].headers["Retry-After"]) >= 1
    assert limited[0].json()["error"].startswith("Too many messages from this sender")
    # another sender is served at once
    assert texts(rasa_stack.say(f"{sender}-other", "Dzień dobry")) == response_text("utter_greet", "pl")
