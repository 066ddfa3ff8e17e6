"""NLU in its own process (runtime.nlu_process): same parse as Rasa's, used by the server, and a
process that fails or dies leaves parsing to the server instead of losing the message."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from rasa.core.channels.channel import UserMessage

from runtime.nlu_process import NluProcess, process_ids
from tests.responses import response_text
from tests.stack import Stack, texts

MESSAGES = [
    "Dzień dobry",
    "Ile kosztuje rejestracja firmy w CEIDG?",
    "jak zawiesic dzialalnosc",
    "How do I suspend my business?",
    "How do I get a parking permit for my delivery van?",
    "Jan",
    "/greet",
    "Prowadzę sklep internetowy od dwóch lat i rozliczam się ryczałtem. W przyszłym roku chcę zatrudnić "
    "pierwszego pracownika. Jakie obowiązki wobec ZUS będę miał jako pracodawca?",
]


def _wait_until(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.fixture(scope="module")
def nlu(model_path: Path) -> Iterator[NluProcess]:
    process = NluProcess(model_path)
    try:
        _wait_until(lambda: process.ready or process.broken, 300, "the NLU process to load the model")
        assert process.ready, "the NLU process did not start"
        yield process
    finally:
        process.close()


def _parse(process: NluProcess, text: str) -> Dict[str, Any] | None:
    return asyncio.run(process.parse(UserMessage(text, sender_id="nlu-test", input_channel="rest")))


def _essentials(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    selector = parse_data.get("response_selector", {}).get("faq", {})
    return {
        "intent": parse_data["intent"]["name"],
        "confidence": round(parse_data["intent"]["confidence"], 3),
        "full_retrieval_intent": parse_data["intent"].get("full_retrieval_intent_name"),
        "entities": sorted((e["entity"], str(e["value"])) for e in parse_data.get("entities", [])),
        "topics": [r.get("intent_response_key") for r in selector.get("ranking", [])[:3]],
    }


def test_the_nlu_process_parses_as_the_rasa_server_does(nlu: NluProcess, rasa_stack: Stack) -> None:
    for text in MESSAGES:
        ours = _parse(nlu, text)
        assert ours is not None, text
        assert _essentials(ours) == _essentials(rasa_stack.parse(text)), text
    answered = _essentials(_parse(nlu, "Ile kosztuje rejestracja firmy w CEIDG?"))
    assert answered["intent"] == "faq" and answered["topics"], answered


def test_a_dead_nlu_process_leaves_parsing_to_the_server(nlu: NluProcess) -> None:
    os.kill(nlu._process.pid, signal.SIGKILL)  # noqa: SLF001 (the test kills the process on purpose)
    _wait_until(lambda: nlu.broken, 30, "the server side to notice")
    assert not nlu.ready
    assert _parse(nlu, "Dzień dobry") is None  # the gate then parses in the server


def test_a_model_the_process_cannot_load_leaves_parsing_to_the_server(tmp_path: Path) -> None:
    broken = tmp_path / "not-a-model.tar.gz"
    broken.write_bytes(b"this is not a model")
    process = NluProcess(broken)
    try:
        _wait_until(lambda: process.broken, 180, "the process to give up")
        assert not process.ready
        assert _parse(process, "Dzień dobry") is None
    finally:
        process.close()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_the_server_parses_messages_in_its_nlu_process(rasa_stack: Stack, sender: str) -> None:
    log = rasa_stack.workdir / "rasa.log"
    _wait_until(lambda: "NLU process ready" in log.read_text(errors="replace"), 300, "the server's NLU process")
    rasa_pid = rasa_stack.processes["rasa"].pid
    children = process_ids(rasa_pid)
    assert len(children) == 1, children
    before = _cpu_seconds(children[0])
    for number in range(6):
        reply = rasa_stack.say(f"{sender}-{number}", "Dzień dobry")
        assert texts(reply) == response_text("utter_greet", "pl")
        rasa_stack.say(f"{sender}-{number}", "Ile kosztuje rejestracja firmy w CEIDG?")
    assert _cpu_seconds(children[0]) - before > 0.05  # the encoders and DIET ran there


def test_a_server_started_on_a_model_directory_gives_its_nlu_process_the_model_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`rasa run --model models/` (the container images): the process must load the model the server chose."""
    from types import SimpleNamespace

    from channels.gate import MessageGate
    from runtime import nlu_process

    (tmp_path / "model-1.tar.gz").write_bytes(b"older")
    (tmp_path / "model-2.tar.gz").write_bytes(b"newer")
    asked = []
    monkeypatch.setattr(nlu_process, "for_model", lambda path: asked.append(Path(path)))
    processor = SimpleNamespace(model_path=tmp_path, model_filename="model-2.tar.gz", http_interpreter=None)
    gate = MessageGate(lambda message: None)
    gate._app = SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(processor=processor)))  # noqa: SLF001
    gate._nlu_process(gate._local_processor())  # noqa: SLF001
    assert asked == [tmp_path / "model-2.tar.gz"]


def test_the_nlu_process_ends_with_a_killed_server_even_while_loading(model_path: Path) -> None:
    """`kill -9` of a Rasa instance (the scale-out fault test) must not leave its model process behind."""
    import subprocess
    import sys

    from tests.stack import ENV, ROOT

    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from runtime.nlu_process import NluProcess, process_ids; "
            "p = NluProcess(sys.argv[1]); print(p._process.pid, flush=True); time.sleep(600)",
            str(model_path),
        ],
        cwd=ROOT,
        env={**ENV, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        child = int(server.stdout.readline())
        assert Path(f"/proc/{child}").exists()
        time.sleep(2)  # it is importing Rasa / loading the model now
        server.kill()
        server.wait()
        _wait_until(lambda: not Path(f"/proc/{child}").exists() or _zombie(child), 15, "the NLU process to end")
    finally:
        server.kill()


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
