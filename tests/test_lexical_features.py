"""The retriever's fast TF-IDF transform gives scikit-learn's matrix, for the vectorizers it uses."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from components.topic_index import tfidf
from kb_import import load_knowledge_base
from kb_import.generate import faq_examples
from lang.text import fold
from tests.stack import ROOT


def _texts() -> list[str]:
    kb = load_knowledge_base(ROOT / "kb")
    return [fold(text) for _, _, examples in faq_examples(kb) for text in examples]


def test_same_matrix_as_scikit_learn_transform() -> None:
    texts = _texts()
    train, queries = texts[::2], texts[1::2][:400] + ["", "zzzz qqqq", "ceidg " * 40]
    for vectorizer in (
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True),
        TfidfVectorizer(analyzer="word", sublinear_tf=False, norm=None),
    ):
        vectorizer.fit(train)
        for _ in range(2):  # the second call uses the remembered IDF vector
            ours, theirs = tfidf(vectorizer, queries), vectorizer.transform(queries)
            assert ours.shape == theirs.shape and ours.nnz == theirs.nnz
            np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-12, atol=1e-12)
