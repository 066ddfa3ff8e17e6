"""SYNTHETIC knowledge-base topics for scale tests: activity-specific questions built from PKD names.

Offices do keep per-activity FAQ ("does a bakery need a cash register?"), so the synthetic topics
are templates crossed with the PKD 2007 subclasses. They are clearly marked (`syn_` ids) and never
written into kb/.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import List, Tuple

from kb_import.model import Entry, KnowledgeBase
from lang.text import fold, normalise_question

ROOT = Path(__file__).resolve().parent.parent
PKD_CSV = ROOT / "reference_data" / "pkd2007.csv"

# (template id, Polish phrasings, English phrasings); {a} is the activity name
TEMPLATES: List[Tuple[str, List[str], List[str]]] = [
    (
        "licence",
        [
            "Czy {a} wymaga koncesji lub zezwolenia?",
            "koncesja na {a}",
            "jakie zezwolenia potrzebne dla: {a}",
            "czy na {a} trzeba mieć licencję",
        ],
        ["Does {a} need a licence or permit?", "licence for {a}"],
    ),
    (
        "cashreg",
        [
            "Czy przy {a} muszę mieć kasę fiskalną?",
            "kasa fiskalna {a}",
            "czy {a} jest zwolnione z kasy",
            "obowiązek kasy przy: {a}",
        ],
        ["Do I need a cash register for {a}?", "cash register {a}"],
    ),
    (
        "ryczalt",
        [
            "Jaka stawka ryczałtu dla {a}?",
            "ryczałt {a} stawka",
            "ile procent ryczałtu płaci się za {a}",
            "stawka ryczałtu: {a}",
        ],
        ["What lump-sum tax rate applies to {a}?", "lump sum rate {a}"],
    ),
    (
        "vatrate",
        ["Jaka stawka VAT na {a}?", "vat {a}", "ile wynosi VAT przy działalności: {a}", "stawka podatku vat dla {a}"],
        ["What VAT rate applies to {a}?", "vat rate {a}"],
    ),
    (
        "home",
        [
            "Czy mogę prowadzić {a} w mieszkaniu?",
            "{a} w domu",
            "prowadzenie działalności {a} pod adresem zamieszkania",
            "czy {a} można robić z domu",
        ],
        ["Can I run {a} from home?", "{a} from home"],
    ),
    (
        "pkd",
        ["Jaki kod PKD wybrać dla {a}?", "pkd dla {a}", "kod pkd: {a}", "który kod PKD obejmuje {a}"],
        ["Which PKD code covers {a}?", "pkd code {a}"],
    ),
    (
        "bhp",
        ["Jakie wymogi BHP przy {a}?", "bhp {a}", "przepisy bhp dla działalności: {a}", "szkolenie bhp a {a}"],
        ["What safety rules apply to {a}?", "health and safety {a}"],
    ),
    (
        "grant",
        [
            "Czy dostanę dotację z urzędu pracy na {a}?",
            "dotacja na {a}",
            "dofinansowanie z PUP dla: {a}",
            "czy PUP dofinansuje {a}",
        ],
        ["Can I get a start-up grant for {a}?", "grant for {a}"],
    ),
]


def _activities() -> List[str]:
    with PKD_CSV.open(encoding="utf-8") as handle:
        names = [row["name_pl"] for row in csv.DictReader(handle)]
    return [" ".join(name.lower().split()[:6]) for name in names]


def synthetic_entries(count: int, seed: int = 7) -> List[Tuple[Entry, str | None]]:
    """`count` synthetic topics, each with one held-out Polish question, or None where that
    question, folded (case, diacritics, punctuation), equals a training question of any topic."""
    activities = _activities()
    pairs = [(template, activity) for template in TEMPLATES for activity in activities]
    random.Random(seed).shuffle(pairs)
    if count > len(pairs):
        raise ValueError(f"at most {len(pairs)} synthetic topics")
    entries = []
    for number, ((template_id, pl, en), activity) in enumerate(pairs[:count]):
        questions_pl = [q.format(a=activity) for q in pl]
        questions_en = [q.format(a=activity) for q in en]
        entry = Entry(
            id=f"syn_{template_id}_{number}",
            category="synthetic",
            location="synthetic",
            title={"pl": f"{template_id}: {activity}"[:60], "en": f"{template_id}: {activity}"[:60]},
            questions={"pl": questions_pl, "en": questions_en},
            # an answer that is about its question, as real answers are (placeholder text otherwise)
            answer={
                "pl": f"SYNTETYCZNA odpowiedź na pytanie: {questions_pl[0]}",
                "en": f"SYNTHETIC answer to: {questions_en[0]}",
            },
            sources=["https://www.biznes.gov.pl/"],
        )
        # held out: the first phrasing typed without diacritics, the activity's last word left off
        words = activity.split()
        heldout = fold(pl[0].format(a=" ".join(words[:-1]) if len(words) > 2 else activity))
        entries.append((entry, heldout))
    trained = {normalise_question(q) for entry, _ in entries for qs in entry.questions.values() for q in qs}
    seen: set = set()
    unique = []
    for entry, heldout in entries:
        key = normalise_question(heldout)
        unique.append((entry, None if key in trained or key in seen else heldout))
        seen.add(key)
    return unique


def scaled_knowledge_base(size: int) -> KnowledgeBase:
    """The published knowledge base of kb/, with SYNTHETIC topics added up to `size` topics."""
    from kb_import import load_knowledge_base

    kb = load_knowledge_base(ROOT / "kb")
    entries = kb.published()
    entries = entries + [entry for entry, _ in synthetic_entries(max(0, size - len(entries)))]
    return KnowledgeBase(entries, kb.synonyms, kb.sources)
