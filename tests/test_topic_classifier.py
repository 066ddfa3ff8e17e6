"""The FAQ ranking's topic classifier (services/answerability/topic_classifier.py), on a tiny knowledge base."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from components.topic_index import TopicIndex
from services.answerability.topic_classifier import TopicClassifier
from services.embeddings import EmbeddingCache

# Every topic shares "skladka" / "firma" with others: only the distinguishing words separate them.
PARAPHRASES = {
    0: ["skladka zdrowotna ryczalt", "ile wynosi skladka zdrowotna", "zdrowotna na ryczalcie firma"],
    1: ["skladka spoleczna zus", "ile wynosi skladka emerytalna", "spoleczne skladki firma"],
    2: ["zawieszenie firmy", "jak zawiesic firma", "zawiesic dzialalnosc firma"],
    3: ["zamkniecie firmy", "jak zamknac firma", "likwidacja dzialalnosci firma"],
    4: ["faktura korygujaca", "korekta faktury firma", "jak poprawic fakture"],
    5: ["kasa fiskalna", "czy potrzebuje kasy fiskalnej", "kasa fiskalna firma zwolnienie"],
}


def _fitted(**options: int) -> tuple[TopicClassifier, TfidfVectorizer, int]:
    texts = [text for topic in sorted(PARAPHRASES) for text in PARAPHRASES[topic]]
    labels = np.array([topic for topic in sorted(PARAPHRASES) for _ in PARAPHRASES[topic]])
    vectorizer = TfidfVectorizer().fit(texts)
    lexical = vectorizer.transform(texts)
    dense = np.eye(len(PARAPHRASES))[labels] * 0.0  # an embedding block that carries nothing
    features = sparse.hstack([lexical, sparse.csr_matrix(dense)]).tocsr()
    classifier = TopicClassifier(**options).fit(features, labels, len(PARAPHRASES), lexical.shape[1])
    return classifier, vectorizer, lexical.shape[1]


def _ranked_first(classifier: TopicClassifier, vectorizer: TfidfVectorizer, text: str) -> int:
    query = sparse.hstack([vectorizer.transform([text]), sparse.csr_matrix(np.zeros((1, len(PARAPHRASES))))])
    scores = classifier.scores(query)
    assert scores.shape == (1, len(PARAPHRASES))
    return int(np.argmax(scores[0]))


def test_the_distinguishing_word_decides_the_topic() -> None:
    classifier, vectorizer, _ = _fitted(neighbours=2, random_negatives=3)
    assert _ranked_first(classifier, vectorizer, "skladka zdrowotna") == 0
    assert _ranked_first(classifier, vectorizer, "skladka emerytalna zus") == 1
    assert _ranked_first(classifier, vectorizer, "firma zawiesic") == 2
    assert _ranked_first(classifier, vectorizer, "likwidacja firma") == 3
    assert _ranked_first(classifier, vectorizer, "kasa") == 5


def test_each_topic_keeps_only_its_strongest_lexical_weights() -> None:
    kept = 2
    classifier, _, lexical_width = _fitted(neighbours=5, random_negatives=0, kept_lexical_weights=kept)
    weights = classifier.lexical_weights.toarray()
    assert weights.shape == (lexical_width, len(PARAPHRASES))
    for topic in range(len(PARAPHRASES)):
        assert 0 < np.count_nonzero(weights[:lexical_width, topic]) <= kept


def test_a_lone_topic_needs_no_training_and_scores_itself() -> None:
    features = sparse.csr_matrix(np.array([[1.0, 0.0], [0.9, 0.1]]))
    classifier = TopicClassifier().fit(features, np.array([0, 0]), 1, 2)
    assert classifier.scores(features).shape == (2, 1)


def test_scores_of_lexical_and_embedding_parts_equal_one_product_over_all_features() -> None:
    """The two weight parts (sparse lexical, dense embedding) give what one product over every
    feature gives, whether a message comes as whole rows or as its two parts."""
    rows = np.random.default_rng(0).random((12, 5))
    labels = np.repeat(np.arange(4), 3)
    classifier = TopicClassifier(neighbours=2, random_negatives=2).fit(sparse.csr_matrix(rows), labels, 4, 3)
    assert np.abs(classifier.embedding_weights).sum() > 0  # the embedding columns do count
    one_product = rows @ np.vstack([classifier.lexical_weights.toarray(), classifier.embedding_weights])
    expected = one_product + classifier.bias
    assert np.allclose(classifier.scores(sparse.csr_matrix(rows)), expected, atol=1e-9)
    assert np.allclose(classifier.scores(sparse.csr_matrix(rows[:, :3]), rows[:, 3:]), expected, atol=1e-9)


def test_a_knowledge_base_smaller_than_the_calibration_sample_trains_and_ranks(tmp_path: Path) -> None:
    """With fewer paraphrases than `calibration_size` every paraphrase is sampled, so the
    calibration's leave-one-out classifier has no training rows at all: it must still fit (an
    office starting with a few topics), and the index must rank a known question's topic first."""
    examples = [
        ("faq/start", "jak zalozyc firma", "Jak założyć firmę?"),
        ("faq/start", "rejestracja dzialalnosc", "Rejestracja działalności"),
        ("faq/zus", "ile wynosic skladka zus", "Ile wynoszą składki ZUS?"),
        ("faq/zus", "termin platnosc zus", "Termin płatności ZUS"),
    ]
    answers = [("faq/start", "Wniosek CEIDG-1."), ("faq/zus", "Składki do 20. dnia.")]
    weights = {"lexical": 1.0, "paraphrase_embedding": 1.0, "answer_embedding": 2.0, "classifier": 2.0}
    index = TopicIndex(0.5, 4, weights).fit(examples, answers, calibration_size=1200, cache=EmbeddingCache(tmp_path))
    fused, _ = index.scores("ile wynosic skladka zus", "Ile wynoszą składki ZUS?")
    assert index.topics[int(np.argmax(fused))] == "faq/zus"
