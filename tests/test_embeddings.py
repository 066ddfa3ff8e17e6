"""The sentence encoders' threading (services/embeddings.py): parallel encoding changes no vector."""

from __future__ import annotations

import numpy as np

from services.embeddings import encode_queries, queries_in_background


def test_a_long_message_and_its_question_encoded_side_by_side_give_the_same_vectors_in_order() -> None:
    texts = [
        "Prowadzę sklep internetowy od dwóch lat i przychody rosną. Czy muszę już mieć kasę fiskalną?",
        "Czy muszę już mieć kasę fiskalną?",
        "How do I register a business?",
    ]
    together = queries_in_background(texts)()
    one_by_one = np.vstack([encode_queries([text]) for text in texts])
    assert together.shape == (3, 384)
    assert np.allclose(together, one_by_one, atol=1e-6)
    assert not np.allclose(together[0], together[1], atol=1e-3)  # three different vectors, not one repeated
