"""`python -m benchmarks.language_lookalikes`: the language detector and the language policy on
messages that look like the other language.

Look-alikes are values typed into an English conversation that look Polish (names, addresses,
cities) and messages of a Polish conversation with English product or brand names in them. Each
is measured twice:

- detector: how often `LanguageDetector` claims the *other* language for the message, "before"
  (trained on all NLU examples, names counted as words: the previous configuration) and "after"
  (form values not learnt from, proper nouns/brands/e-mails skipped: the current defaults);
- conversation: how often the conversation's language would flip, before (the slot followed every
  confident detection) and after (`services.conversation.language_policy` with the form context).

Genuine switches (a whole question in the other language, not a form answer) are measured too, so
a better look-alike figure cannot come from a detector that never switches. Writes
reports/language_lookalikes.md.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "language_lookalikes.md"


@dataclass(frozen=True)
class Case:
    text: str
    conversation: str  # the conversation's language when the message arrives
    pending: bool  # a form question waits for this message as its answer
    intent: str = "inform"


def _cases(conversation: str, pending: bool, texts: List[str], intent: str = "inform") -> List[Case]:
    return [Case(text, conversation, pending, intent) for text in texts]


# Polish-looking values typed into an English conversation, each as the answer to a form question.
POLISH_VALUES_IN_ENGLISH = _cases(
    "en",
    True,
    [
        "Kowalska",
        "Kowalski",
        "Jan Kowalski",
        "Małgorzata",
        "Grzegorz Brzęczyszczykiewicz",
        "Wiśniewska-Nowak",
        "Zofia",
        "Krzysztof",
        "ul. Kwiatowa 12, 31-056 Kraków",
        "ul. Długa 5/3, 00-238 Warszawa",
        "Marszałkowska 10 m. 5, 00-001 Warszawa",
        "al. Jerozolimskie 44, 00-024 Warszawa",
        "os. Słoneczne 7/12, 61-001 Poznań",
        "Piotrkowska 120, 90-006 Łódź",
        "Zalesie 12, 05-500 Piaseczno",
        "Gdańsk",
        "Wrocław",
        "Jan Kowalski Usługi Remontowe",
        "Anna Nowak Pracownia Krawiecka",
        "sprzedaż ubrań",
        "naprawa rowerów",
        "jan.kowalski@poczta.onet.pl",
        "taki sam",
        "ryczałt",
        "od jutra",
    ],
)
# Messages of a Polish conversation with English product, brand or trade names in them.
ENGLISH_NAMES_IN_POLISH = _cases(
    "pl",
    True,
    [
        "sprzedaż etui na iPhone i Samsung Galaxy",
        "naprawa laptopów MacBook Pro",
        "sklep internetowy z odzieżą streetwear",
        "Jan Kowalski Software House",
        "Anna Nowak Beauty Studio",
        "Kowalski Digital Marketing",
        "usługi social media marketing",
        "dropshipping",
        "catering dietetyczny Food Box",
        "produkcja gier na PlayStation",
        "Robert'); DROP TABLE applications;--",
        "anna.smith@gmail.com",
        "Smith",
        "John",
    ],
) + _cases(
    "pl",
    False,
    [
        "Czy mogę sprzedawać na Amazon i eBay jako osoba fizyczna?",
        "jak rozliczyć przychody z YouTube i Google AdSense",
        "czy potrzebuję kasy fiskalnej do sprzedaży na Allegro i Facebook Marketplace",
        "Jak zarejestrować firmę, która robi software development?",
        "ile kosztuje ZUS dla freelancera na B2B",
        "czy Uber Eats i Bolt Food to działalność gospodarcza",
    ],
    intent="faq",
)
# Genuine switches: a whole message in the other language, not an answer to a form question.
GENUINE_SWITCHES = _cases(
    "pl",
    False,
    [
        "How much does it cost to register a business?",
        "Do I need a tax identification number to start?",
        "Hello, I have a question about ZUS contributions",
        "Can I speak to a consultant please?",
        "What documents do I need to open a company?",
    ],
    intent="faq",
) + _cases(
    "en",
    False,
    [
        "Jak założyć jednoosobową działalność gospodarczą?",
        "Ile wynoszą składki ZUS dla nowej firmy?",
        "Dzień dobry, mam pytanie o podatek VAT",
        "Czy mogę porozmawiać z konsultantem?",
        "Jakie dokumenty są potrzebne do rejestracji firmy?",
    ],
    intent="faq",
)


def _train(config: Dict) -> object:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.loading import load_data

    from components.language_detector import LanguageDetector

    data = load_data(str(ROOT / "data" / "nlu"))
    storage = LocalModelStorage(Path(tempfile.mkdtemp(prefix="lang-bench-")))
    detector = LanguageDetector({**LanguageDetector.get_default_config(), **config}, storage, Resource("lang"))
    detector.train(data)
    return detector


def _policy_flip(case: Case, detected: str | None, confidence: float) -> bool:
    from actions.registration.meta_requests import recognise
    from actions.registration.text_input import looks_like_question
    from services.conversation.language_policy import Turn, next_language

    turn = Turn(
        current=case.conversation,
        chosen=False,
        detected=detected,
        confidence=confidence,
        intent=case.intent,
        form_question_pending=case.pending,
        is_question=looks_like_question(case.text),
        is_form_request=recognise(case.text) is not None,
    )
    return next_language(turn) is not None


def _measure(detector, cases: List[Case], policy: bool) -> tuple[int, List[str]]:
    """How many cases flip the conversation's language, and which."""
    flipped = []
    for case in cases:
        result = detector.detect(case.text)
        detected, confidence = result if result else (None, 0.0)
        other = detected is not None and detected != case.conversation
        if policy:
            other = other and _policy_flip(case, detected, confidence)
        if other:
            flipped.append(case.text)
    return len(flipped), flipped


def main() -> None:
    logging.disable(logging.WARNING)
    before = _train({"value_intents": [], "skip_names": False})
    after = _train({})
    lookalikes = POLISH_VALUES_IN_ENGLISH + ENGLISH_NAMES_IN_POLISH
    rows = []
    details = []
    for label, detector, policy in (
        ("before: detector alone, slot follows every detection", before, False),
        ("after: detector alone", after, False),
        ("after: detector + language policy (the conversation)", after, True),
    ):
        pl_in_en, pl_in_en_list = _measure(detector, POLISH_VALUES_IN_ENGLISH, policy)
        en_in_pl, en_in_pl_list = _measure(detector, ENGLISH_NAMES_IN_POLISH, policy)
        genuine, _ = _measure(detector, GENUINE_SWITCHES, policy)
        wrong = pl_in_en + en_in_pl
        rows.append(
            f"| {label} | {pl_in_en}/{len(POLISH_VALUES_IN_ENGLISH)} | {en_in_pl}/{len(ENGLISH_NAMES_IN_POLISH)} "
            f"| **{wrong}/{len(lookalikes)} ({100 * wrong / len(lookalikes):.0f}%)** "
            f"| {genuine}/{len(GENUINE_SWITCHES)} |"
        )
        details.append((label, pl_in_en_list + en_in_pl_list))
    lines = [
        "# Language detector on look-alike inputs\n",
        "Generated by `python -m benchmarks.language_lookalikes` (detector trained on `data/nlu/`).\n",
        "A *wrong switch* is a look-alike message for which the conversation's language would change.",
        "Genuine switches are whole messages in the other language that should change it.\n",
        "| configuration | Polish values in English conversations | English names in Polish conversations "
        "| wrong switches | genuine switches recognised |",
        "|---|---|---|---|---|",
        *rows,
        "",
    ]
    for label, texts in details:
        lines.append(f"Wrong switches, {label}: " + (", ".join(f"`{t}`" for t in texts) or "none") + "\n")
    REPORT.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
