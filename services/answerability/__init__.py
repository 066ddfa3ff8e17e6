"""Answerability: should the assistant answer from the knowledge base, ask which topic, or say it
does not know? Rasa-free, so the retriever component, the actions and the benchmarks share it.

The readers below take a `/model/parse` result (or a user event's `parse_data`): the retriever puts
its first topic in `response_selector.faq.response.intent_response_key` ("faq/<topic id>")."""

from typing import Any, Dict

# The intents after which a message was handled by the FAQ retriever: answered (`faq`), a
# clarification with topic buttons (`nlu_fallback`) or "not in the knowledge base" (`not_in_kb`).
# The retrain gate and the NLU benchmark both count FAQ questions by these routes.
FAQ_ROUTES = ("faq", "nlu_fallback", "not_in_kb")


def faq_response(parse: Dict[str, Any]) -> Dict[str, Any]:
    """The retriever's first topic as Rasa's response selector gives it (key, confidence, utter action)."""
    return ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}


def ranked_topic(parse: Dict[str, Any]) -> str:
    """The retriever's first topic id whatever the intent, or "" when it ranked none."""
    return str(faq_response(parse).get("intent_response_key") or "").split("/", 1)[-1]


def answered_topic(parse: Dict[str, Any]) -> str:
    """The FAQ topic a parse result answers with, or "" (another intent, or a fallback)."""
    return ranked_topic(parse) if (parse.get("intent") or {}).get("name") == "faq" else ""


def retrieved_topic(parse: Dict[str, Any]) -> str:
    """The retriever's first topic for a message it handled (one of FAQ_ROUTES), else "" (another intent)."""
    return ranked_topic(parse) if (parse.get("intent") or {}).get("name") in FAQ_ROUTES else ""
