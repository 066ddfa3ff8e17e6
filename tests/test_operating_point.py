"""The FAQ benchmark's rule for the answer/clarify thresholds (benchmarks/faq.py), the rule config.yml's
thresholds follow: the lowest answer threshold within the out-of-KB false-answer budget in every
language, off-topic chit-chat left out of that budget."""

from __future__ import annotations

import numpy as np

from benchmarks.faq import MAX_DEV_FALSE_ANSWERS, Assessed, choose_operating_point
from benchmarks.heldout import Query
from benchmarks.unanswerable import Unanswerable


def _assessed(probability: float, first: str = "vat") -> Assessed:
    return Assessed([first, "zus", "ceidg"], probability, "", [], {}, 1.0)


def test_answer_threshold_is_the_lowest_within_the_budget_in_every_language() -> None:
    assert MAX_DEV_FALSE_ANSWERS == 0.12
    outside = [
        # Polish: 2 of 10 business questions score 0.75 and 0.95 -> 20 % answered at 0.75, 10 % at 0.80
        *[(Unanswerable("business", "pl", f"p{i}", "dev"), _assessed(0.1)) for i in range(8)],
        (Unanswerable("business", "pl", "p8", "dev"), _assessed(0.75)),
        (Unanswerable("business", "pl", "p9", "dev"), _assessed(0.95)),
        # English: never above 0.5, so English alone would allow 0.55
        *[(Unanswerable("business", "en", f"e{i}", "dev"), _assessed(0.5)) for i in range(10)],
        # chit-chat scoring high does not count against the budget
        *[(Unanswerable("off_topic", "pl", f"o{i}", "dev"), _assessed(0.99)) for i in range(5)],
    ]
    inside = [(Query("vat", "pl", "plain", f"q{i}", "dev"), _assessed(p)) for i, p in enumerate(np.linspace(0, 1, 21))]

    answer_at, clarify_at = choose_operating_point(inside, outside)

    assert answer_at == 0.80
    assert clarify_at <= answer_at
