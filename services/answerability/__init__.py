"""Answerability: should the assistant answer from the knowledge base, ask which topic, or say it
does not know? Rasa-free, so the retriever component, the actions and the benchmarks share it."""

# The intents after which a message was handled by the FAQ retriever: answered (`faq`), a
# clarification with topic buttons (`nlu_fallback`) or "not in the knowledge base" (`not_in_kb`).
# The retrain gate and the NLU benchmark both count FAQ questions by these routes.
FAQ_ROUTES = ("faq", "nlu_fallback", "not_in_kb")
