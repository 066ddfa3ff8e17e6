"""NLU in a process of its own beside the Rasa server: the server's second core.

Why: Rasa runs the NLU graph (DIET, the sentence encoders, the FAQ retriever) and the dialogue
policies in one Python process. Under load the interpreter lock makes that one core, whatever the
threads (an ad-hoc look at 50 users, CPU time from /proc: the server at 0.86 of a core, the
machine half idle, replies queueing). The gate (`channels.gate.MessageGate`) hands each message's
parsing to a process that loaded the same model, so parsing and dialogue run on two cores and
neither waits for the other's interpreter lock. The result is what Rasa's own parse gives: both
sides parse with `parse_with` below.

The process parses several messages at once in its own threads, so a long message does not queue
the short ones behind it. It loads the model in the background when the server starts; until it is
ready, or if it fails or dies, messages are parsed in the server's threads as before (slower, but
nothing is lost). It stops when the server stops, or dies with it. `VO_NLU_PROCESSES=0` keeps
parsing in the server process.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Dict, List, Tuple

logger = logging.getLogger(__name__)

ENABLED = os.environ.get("VO_NLU_PROCESSES", "1") != "0"
THREADS = int(os.environ.get("VO_NLU_THREADS", "4"))

Request = Tuple[int, str, str, str | None, Dict[str, Any], str | None]


# ---- in the NLU process ----------------------------------------------------------------------


def _quiet_logging() -> None:
    """Warnings and errors only, through the same personal-data filter as the server's log."""
    from services.privacy import PersonalDataFilter

    handler = logging.StreamHandler()
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s (NLU process) - %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler], force=True)


def parse_with(processor: Any, message: Any) -> Dict[str, Any]:
    """A `UserMessage`'s parse data as Rasa's `MessageProcessor.parse_message` makes it (the NLU
    graph with an empty tracker, the retrieval intent's full name): in the NLU process, and in the
    server while that process is not there."""
    from rasa.shared.core.trackers import DialogueStateTracker

    parse_data = processor._parse_message_with_graph(message, DialogueStateTracker.from_events(message.sender_id, []))
    processor._update_full_retrieval_intent(parse_data)
    return parse_data


def _parse(processor: Any, request: Request) -> Dict[str, Any]:
    from rasa.core.channels.channel import UserMessage

    _, text, sender_id, input_channel, metadata, message_id = request
    message = UserMessage(
        text, sender_id=sender_id, input_channel=input_channel, metadata=metadata, message_id=message_id
    )
    return parse_with(processor, message)


def _exit_with(parent: int) -> None:
    """Ends the NLU process as soon as the server is gone (also while the model is still loading)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _serve(connection: Connection, model_path: str) -> None:
    """The NLU process: loads the model, says "ready", then parses requests until the server is gone."""
    threading.Thread(target=_exit_with, args=(os.getppid(),), name="nlu-parent-watch", daemon=True).start()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    _quiet_logging()
    from rasa.core.agent import Agent

    processor = Agent.load(model_path).processor
    _parse(processor, (0, "Dzień dobry", "nlu-process-warm-up", None, {}, None))  # encoders set up
    sending = threading.Lock()

    def answer(request: Request) -> None:
        try:
            reply = ("ok", request[0], _parse(processor, request))
        except Exception as error:  # noqa: BLE001 (reported to the server, which parses it itself)
            reply = ("error", request[0], repr(error))
        with sending:
            connection.send(reply)

    with sending:
        connection.send(("ready", 0, None))
    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="nlu") as workers:
        while True:
            try:
                request = connection.recv()
            except (EOFError, OSError):  # the server stopped (or was killed)
                return
            workers.submit(answer, request)


# ---- in the Rasa server ----------------------------------------------------------------------


class NluProcess:
    """The process parsing messages with the model at `model_path`."""

    def __init__(self, model_path: Path) -> None:
        self.model_path = Path(model_path)
        self.ready = False
        self.broken = False
        self.stopped_at = 0.0  # time.monotonic() when the process was found dead
        self._numbers = itertools.count(1)
        self._waiting: Dict[int, Tuple[asyncio.AbstractEventLoop, asyncio.Future]] = {}
        context = multiprocessing.get_context("spawn")  # a fresh interpreter: no forked TensorFlow state
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(theirs, str(self.model_path)), name="nlu", daemon=True)
        self._process.start()
        theirs.close()
        threading.Thread(target=self._read_replies, name="nlu-replies", daemon=True).start()

    def _read_replies(self) -> None:
        while True:
            try:
                kind, number, payload = self._connection.recv()
            except (EOFError, OSError):
                break
            if kind == "ready":
                self.ready = True
                logger.info("NLU process ready (model %s)", self.model_path.name)
                continue
            loop, future = self._waiting.pop(number, (None, None))
            if loop is not None:
                loop.call_soon_threadsafe(_settle, future, (kind, payload))
        if not self.broken:
            logger.error("The NLU process stopped; messages are parsed in the server")
            self.stopped_at = time.monotonic()
        self.ready, self.broken = False, True
        for loop, future in list(self._waiting.values()):
            loop.call_soon_threadsafe(_settle, future, ("error", "the NLU process stopped"))
        self._waiting.clear()

    async def parse(self, message: Any) -> Dict[str, Any] | None:
        """The parse data of a `UserMessage`, or None when the process cannot parse it now (the
        caller parses in the server then)."""
        if not self.ready:
            return None
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        number = next(self._numbers)
        self._waiting[number] = (loop, future)
        try:
            self._connection.send(
                (
                    number,
                    message.text,
                    message.sender_id,
                    message.input_channel,
                    message.metadata or {},
                    message.message_id,
                )
            )
        except (OSError, ValueError):
            self._waiting.pop(number, None)
            return None
        kind, payload = await future
        if kind == "ok":
            return payload
        logger.error("The NLU process could not parse a message (%s); parsing it in the server", payload)
        return None

    def close(self) -> None:
        self.broken, self.ready = True, False
        self._connection.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()


def _settle(future: asyncio.Future, outcome: Tuple[str, Any]) -> None:
    if not future.done():
        future.set_result(outcome)


_current: NluProcess | None = None
RESTART_AFTER_SECONDS = 60.0  # a process that cannot start is not retried at every message


def for_model(model_path: Path | None) -> NluProcess | None:
    """The NLU process for the server's current model (a new one after the model was replaced, or
    a minute after the process died)."""
    global _current
    if not ENABLED or model_path is None:
        return None
    model_path = Path(model_path)
    current = _current
    if current is not None and current.model_path == model_path:
        if not current.broken:
            return current
        if time.monotonic() - current.stopped_at < RESTART_AFTER_SECONDS:
            return None
    if not model_path.is_file():
        return None
    if current is not None:
        current.close()
    _current = NluProcess(model_path)
    return _current


def process_ids(server_pid: int) -> List[int]:
    """The NLU processes of the Rasa server `server_pid` (its children started by this module;
    multiprocessing's resource tracker is a child too), for the load benchmark and the tests."""
    try:
        children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    except OSError:
        return []
    found = []
    for child in children:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
        except OSError:
            continue
    return found


def close() -> None:
    """Stops the NLU process (server shutdown)."""
    global _current
    if _current is not None:
        _current.close()
        _current = None
