"""Answerability: should the assistant answer from the knowledge base, ask which topic, or say it
does not know? Rasa-free, so the retriever component, the actions and the benchmarks share it."""
