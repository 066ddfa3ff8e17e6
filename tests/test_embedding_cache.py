"""The content-addressed embedding cache: a retraining encodes only new or changed texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from components.topic_index import TopicIndex
from services import embeddings
from services.embeddings import EmbeddingCache, encode_paraphrases


def test_changed_text_is_re_encoded_and_unchanged_text_is_not(tmp_path: Path) -> None:
    first = EmbeddingCache(tmp_path)
    before = first.encode("use", ["Jak założyć firmę?", "Ile kosztuje rejestracja?"])
    assert first.encoded == 2

    second = EmbeddingCache(tmp_path)  # a later training run
    after = second.encode("use", ["Jak założyć firmę?", "Ile kosztuje rejestracja firmy?"])
    assert second.encoded == 1, "only the changed text may be encoded again"
    np.testing.assert_array_equal(before[0], after[0])
    assert not np.allclose(before[1], after[1])
    np.testing.assert_allclose(after[1], encode_paraphrases(["Ile kosztuje rejestracja firmy?"])[0], atol=1e-5)

    third = EmbeddingCache(tmp_path)
    third.encode("e5-query", ["Jak założyć firmę?"])  # another encoder: its own entries
    assert third.encoded == 1


EXAMPLES = [
    ("faq/start", "jak zalozyc firma", "Jak założyć firmę?"),
    ("faq/start", "rejestracja dzialalnosc", "Rejestracja działalności"),
    ("faq/zus", "ile wynosic skladka zus", "Ile wynoszą składki ZUS?"),
    ("faq/zus", "termin platnosc zus", "Termin płatności ZUS"),
    ("faq/vat", "kiedy zostac vatowiec", "Kiedy muszę zostać VAT-owcem?"),
    ("faq/vat", "stawka vat", "Stawki VAT"),
]
ANSWERS = [("faq/start", "Wniosek CEIDG-1."), ("faq/zus", "Składki do 20. dnia."), ("faq/vat", "Limit 200 tys.")]
WEIGHTS = {"lexical": 1.0, "paraphrase_embedding": 1.0, "answer_embedding": 2.0}


def test_retraining_the_index_after_a_small_change_encodes_only_that_change(tmp_path: Path) -> None:
    examples, answers, weights = EXAMPLES, ANSWERS, WEIGHTS
    cache = EmbeddingCache(tmp_path)
    TopicIndex(0.5, 4, weights).fit(examples, answers, [("dzien dobry", "Dzień dobry")], cache=cache)
    cold = cache.encoded
    assert cold > 0

    changed = examples[:-1] + [("faq/vat", "stawka vat na usluga", "Stawki VAT na usługi")]
    warm = EmbeddingCache(tmp_path)
    index = TopicIndex(0.5, 4, weights).fit(changed, answers, [("dzien dobry", "Dzień dobry")], cache=warm)
    # the changed paraphrase once as a paraphrase (USE) and once as a calibration query (e5)
    assert warm.encoded == 2
    assert index.topics == ["faq/start", "faq/vat", "faq/zus"]


def test_warm_up_starts_both_encoders_before_the_first_question(tmp_path: Path) -> None:
    """`FaqRetriever.load` warms its index up, so the first question after a start does not wait
    for the encoders to load their models."""
    index = TopicIndex(0.5, 4, WEIGHTS).fit(
        EXAMPLES, ANSWERS, [("dzien dobry", "Dzień dobry")], cache=EmbeddingCache(tmp_path)
    )
    embeddings._use.cache_clear()
    embeddings._e5.cache_clear()
    index.warm_up()
    assert embeddings._use.cache_info().currsize == 1 and embeddings._e5.cache_info().currsize == 1
