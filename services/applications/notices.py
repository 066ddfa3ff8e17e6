"""What the applicant is told about a decision: a domain response name and its variables.

The conversation (actions/applications.py) lets Rasa render the response in the conversation's
language; WhatsApp templates and e-mails render the same response from domain/applications.yml
(`render`), so every sentence the applicant reads has one source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, List

import yaml
from sqlalchemy.orm import Session

from services.applications.catalogue import DOCUMENTS_BY_KEY, FIELDS_BY_KEY, REASONS_BY_CODE
from services.applications.workflow import latest_decision
from services.storage.db import PROJECT_ROOT
from services.storage.models import Application, ApplicationStatus

DOMAIN_FILE = PROJECT_ROOT / "domain" / "applications.yml"


@dataclass(frozen=True)
class Notice:
    response: str
    params: Dict[str, str]
    note: str | None = None  # the officer's note, sent as utter_application_officer_note
    decision_id: int | None = None
    status: str = ""
    extra: List[str] = field(default_factory=list)


def items_text(fields: List[str], documents: List[str], language: str) -> str:
    labels = [FIELDS_BY_KEY[f].applicant_label(language) for f in fields if f in FIELDS_BY_KEY]
    labels += [DOCUMENTS_BY_KEY[d].applicant_label(language) for d in documents if d in DOCUMENTS_BY_KEY]
    return ", ".join(labels)


def notice_for(session: Session, application: Application, language: str) -> Notice | None:
    """The notice about the application's latest decision, or None when nothing was decided."""
    decision = latest_decision(session, application.id)
    if decision is None or decision.decision != application.status.value:
        return None
    params = {"reference": application.reference}
    status = application.status
    if status is ApplicationStatus.ACCEPTED:
        return Notice("utter_application_accepted", params, decision.note, decision.id, status.value)
    if status is ApplicationStatus.REJECTED:
        reason = REASONS_BY_CODE.get(decision.reason_code or "other", REASONS_BY_CODE["other"])
        params["reason"] = reason.applicant_label(language)
        return Notice("utter_application_rejected", params, decision.note, decision.id, status.value)
    if status is ApplicationStatus.NEEDS_INFORMATION:
        params["items"] = items_text(decision.fields, decision.documents, language)
        return Notice("utter_application_needs_information", params, decision.note, decision.id, status.value)
    return None


def rejection_reason(session: Session, application: Application, language: str) -> str | None:
    """The reason of a rejected application (label + the officer's note), for the status check."""
    if application.status is not ApplicationStatus.REJECTED:
        return None
    decision = latest_decision(session, application.id)
    if decision is None or decision.decision != ApplicationStatus.REJECTED.value:
        return None
    reason = REASONS_BY_CODE.get(decision.reason_code or "other", REASONS_BY_CODE["other"])
    label = reason.applicant_label(language)
    return f"{label} – {decision.note.strip().rstrip('.')}" if decision.note else label


@lru_cache(maxsize=1)
def _responses() -> Dict[str, Any]:
    return yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))["responses"]


def render(response: str, language: str, **params: str) -> str:
    """The response's text in `language` (the variation conditioned on the language slot, else the default)."""
    variations = _responses()[response]
    chosen = variations[0]
    for variation in variations:
        conditions = variation.get("condition") or []
        if any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            chosen = variation
    return str(chosen["text"]).format(**params)


def notice_text(notice: Notice, language: str) -> str:
    """The whole notice as one text (e-mail body, template parameter)."""
    parts = [render(notice.response, language, **notice.params)]
    if notice.note:
        parts.append(render("utter_application_officer_note", language, note=notice.note))
    return "\n\n".join(parts)
