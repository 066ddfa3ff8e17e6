"""`python -m benchmarks.per_message`: the per-message costs removed after profiling the load benchmark.

Times, in this process, each old way beside the way the assistant does it now:
1. checking an action server response: `jsonschema.validate` (Rasa 3.6) vs the compiled validator
   (`runtime.action_validation`);
2. one durable SQLite commit: rollback journal (SQLite's default) vs WAL (`stores.sqlite`);
3. the lexical TF-IDF transform of one message: scikit-learn's `transform` vs
   `components.topic_index.tfidf`, with vectorizers fitted on the knowledge base's questions;
4. the body of one call of a form validation action (`validate_registration_form`), serialised as
   JSON for the action server and parsed there: with the whole domain (Rasa) vs without its
   responses (`runtime.action_domain`), for a conversation in the middle of the form;
5. reading the knowledge base's YAML files (kb/): PyYAML's pure-Python safe loader vs libyaml's
   (`kb_import.loader`), the same documents.
Writes reports/per_message_costs.md.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Callable, List, Tuple

import jsonschema
import sqlalchemy as sa
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sklearn.feature_extraction.text import TfidfVectorizer

from benchmarks.engines import ROOT
from components.topic_index import tfidf
from kb_import import load_knowledge_base
from kb_import.generate import faq_examples
from lang.text import fold
from runtime import action_domain, action_validation
from stores.sqlite import use_write_ahead_log

REPORT = ROOT / "reports" / "per_message_costs.md"
RESPONSE = {
    "events": [{"event": "slot", "name": "language", "value": "pl", "timestamp": None}],
    "responses": [{"response": "utter_greet", "text": None, "buttons": []}],
}


def per_call_ms(call: Callable[[], object], repeat: int) -> float:
    call()
    started = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - started) * 1000 / repeat


def action_response() -> Tuple[float, float]:
    spec = RemoteAction.action_response_format_spec()
    action = RemoteAction("action_x", None)
    return (
        per_call_ms(lambda: jsonschema.validate(RESPONSE, spec), 100),
        per_call_ms(lambda: action_validation.validate_action_result(action, RESPONSE), 1000),
    )


def sqlite_commit() -> Tuple[float, float]:
    timings: List[float] = []
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as directory:
        for name, wal in (("journal.db", False), ("wal.db", True)):
            path = Path(directory) / name
            if wal:
                use_write_ahead_log(sa.create_engine(f"sqlite:///{path}"))
            connection = sqlite3.connect(path)
            connection.execute("CREATE TABLE IF NOT EXISTS events (data TEXT)")

            def commit(connection: sqlite3.Connection = connection) -> None:
                connection.execute("INSERT INTO events VALUES (?)", ("x" * 500,))
                connection.commit()

            timings.append(per_call_ms(commit, 200))
            connection.close()
    return timings[0], timings[1]


def lexical_transform() -> Tuple[float, float, int]:
    kb = load_knowledge_base(ROOT / "kb")
    texts = [fold(text) for _, _, examples in faq_examples(kb) for text in examples]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit(texts)
    message = ["jak zawiesic dzialalnosc gospodarcza na pol roku"]
    return (
        per_call_ms(lambda: vectorizer.transform(message), 200),
        per_call_ms(lambda: tfidf(vectorizer, message), 200),
        len(vectorizer.vocabulary_),
    )


def form_validation_call() -> Tuple[float, float, int, int]:
    """(Rasa ms, trimmed ms, Rasa bytes, trimmed bytes) of one `validate_registration_form` call body."""
    domain = Domain.load(str(ROOT / "domain"))
    endpoint = EndpointConfig("http://localhost:5055/webhook", enable_selective_domain=True)
    action = RemoteAction("validate_registration_form", endpoint)
    tracker = DialogueStateTracker.from_events(
        "someone",
        [
            ActionExecuted("action_listen"),
            UserUttered("Chcę zarejestrować firmę"),
            ActiveLoop("registration_form"),
            SlotSet("requested_slot", "reg_first_name"),
            ActionExecuted("action_listen"),
            UserUttered("Jan"),
        ],
        domain.slots,
    )
    bodies = (
        action_domain._RASA_CALL_FORMAT(action, tracker, domain),  # noqa: SLF001
        action_domain.action_call_format(action, tracker, domain),
    )
    rasa_ms, ours_ms = (per_call_ms(lambda body=body: json.loads(json.dumps(body)), 50) for body in bodies)
    return rasa_ms, ours_ms, len(json.dumps(bodies[0])), len(json.dumps(bodies[1]))


def knowledge_base_yaml() -> Tuple[float, float, int]:
    """(pure-Python ms, libyaml ms, files) to read every YAML file of kb/."""
    texts = [path.read_text("utf-8") for path in sorted((ROOT / "kb").glob("*.yml"))]
    pure, fast = (
        per_call_ms(lambda loader=loader: [yaml.load(text, Loader=loader) for text in texts], 3)  # noqa: S506
        for loader in (yaml.SafeLoader, yaml.CSafeLoader)
    )
    assert [yaml.safe_load(t) for t in texts] == [yaml.load(t, Loader=yaml.CSafeLoader) for t in texts]  # noqa: S506
    return pure, fast, len(texts)


def main() -> None:
    yaml_old, yaml_new, kb_files = knowledge_base_yaml()
    call_old, call_new, bytes_old, bytes_new = form_validation_call()
    validate_old, validate_new = action_response()
    journal, wal = sqlite_commit()
    sklearn_ms, ours_ms, features = lexical_transform()
    lines = [
        "# Per-message costs removed after profiling\n",
        f"Produced by `python -m benchmarks.per_message` on {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC "
        f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}). Milliseconds per call.\n",
        "| what | before | now |",
        "|---|---|---|",
        f"| check of one action server response (Rasa: `jsonschema.validate`; now compiled once) | {validate_old:.2f} | {validate_new:.2f} |",
        f"| one durable SQLite commit (rollback journal; now WAL) | {journal:.2f} | {wal:.2f} |",
        f"| character TF-IDF of one message, {features} features (scikit-learn `transform`; now `tfidf`) | {sklearn_ms:.2f} | {ours_ms:.2f} |",
        f"| JSON of one form validation call, written and read ({bytes_old:,} bytes with the whole domain; now"
        f" {bytes_new:,} without its responses) | {call_old:.2f} | {call_new:.2f} |",
        f"| reading the knowledge base, {kb_files} YAML files of kb/ (PyYAML's safe loader; now libyaml's) |"
        f" {yaml_old:.2f} | {yaml_new:.2f} |",
    ]
    REPORT.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
