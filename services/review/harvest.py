"""Harvest: the logged user messages worth an analyst's look, masked, read incrementally.

A message is harvested for any of these reasons (`models.REASONS`): the bot was unsure (low intent
or topic confidence), fell back, offered "Did you mean ...?" and the user chose none of the
buttons, the user asked for a person right after it, the bot said it has no answer
(`action_answer_unknown`), the conversation was rated 1-2, or, rarely, a confident answer sampled
for a spot check. Messages typed while a form is active are answers to the form (names, PESEL),
not questions, and are never harvested.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, Iterable, List, Set

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.answerability import faq_response, ranked_topic
from services.review.events import Event, conversations, engine_for, last_event_id, senders_since, source_label
from services.review.masking import mask_personal_data
from services.review.models import HarvestedQuestion, HarvestWatermark
from services.review.settings import ReviewSettings
from services.storage.models import Rating

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = ("action_default_fallback", "action_suggest_topics")
SUGGEST_ACTION = "action_suggest_topics"
HANDOFF_ACTION = "action_request_human"
UNKNOWN_ANSWER_ACTION = "action_answer_unknown"
NAME_SLOTS = ("reg_first_name", "reg_last_name")
# confident small talk and commands are not questions about the office
NOT_QUESTIONS = {
    "greet",
    "goodbye",
    "affirm",
    "deny",
    "thank",
    "bot_challenge",
    "change_language",
    "cancel",
    "start_registration",
    "request_human",
    "request_video",
    "handoff_cancel",
    "handoff_leave_message",
    "rate_service",
}


@dataclass
class Candidate:
    event: Event
    language: str
    channel: str | None
    intent: str | None
    intent_confidence: float | None
    topic: str | None
    topic_confidence: float | None
    reasons: Set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return str(self.event.data.get("text") or "")


@dataclass(frozen=True)
class HarvestResult:
    source: str
    conversations: int
    new_questions: int
    watermark: int


def _parse(event: Event) -> Dict:
    return event.data.get("parse_data") or {}


def _topic(parse: Dict) -> tuple[str | None, float | None]:
    topic = ranked_topic(parse)
    if not topic:
        return None, None
    return topic, float(faq_response(parse).get("confidence") or 0)


def _language(parse: Dict, current: str) -> str:
    for entity in parse.get("entities") or []:
        if entity.get("entity") == "language" and entity.get("value") in ("pl", "en"):
            return str(entity["value"])
    return current


def _spot_checked(event: Event, rate: float) -> bool:
    digest = hashlib.sha256(f"{event.sender_id}:{event.id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < rate


def _turns(events: List[Event]) -> List[tuple[Event, List[Event], bool]]:
    """(user event, events until the next user event, typed while a form was active)."""
    turns: List[tuple[Event, List[Event], bool]] = []
    in_form = False
    for event in events:
        if event.kind == "active_loop":
            in_form = bool(event.data.get("name"))
        if event.kind == "user":
            turns.append((event, [], in_form))
        elif turns:
            turns[-1][1].append(event)
    return turns


def _actions(after: List[Event]) -> List[str]:
    return [str(e.data.get("name")) for e in after if e.kind == "action"]


def _button_payloads(after: List[Event]) -> Set[str]:
    payloads: Set[str] = set()
    for event in after:
        if event.kind == "bot":
            for button in (event.data.get("data") or {}).get("buttons") or []:
                payloads.add(str(button.get("payload") or "").strip())
    return payloads


def candidates(events: List[Event], rated_low: bool, settings: ReviewSettings) -> List[Candidate]:
    """The messages of one conversation worth a look, with why (unmasked: mask before storing)."""
    language = "pl"
    found: List[Candidate] = []
    turns = _turns(events)
    last_question: Candidate | None = None
    for index, (event, after, in_form) in enumerate(turns):
        parse = _parse(event)
        language = _language(parse, language)
        text = str(event.data.get("text") or "").strip()
        intent = (parse.get("intent") or {}).get("name")
        confidence = (parse.get("intent") or {}).get("confidence")
        actions = _actions(after)
        if HANDOFF_ACTION in actions and last_question is not None:
            last_question.reasons.add("before_handoff")
        if not text or text.startswith("/") or in_form:
            continue
        topic, topic_confidence = _topic(parse)
        candidate = Candidate(
            event, language, event.data.get("input_channel"), intent, confidence, topic, topic_confidence
        )
        confident = (confidence or 0) >= settings.min_intent_confidence and (
            intent != "faq" or (topic_confidence or 0) >= settings.min_topic_confidence
        )
        if intent in NOT_QUESTIONS and confident:
            continue
        if intent == FALLBACK_INTENT or any(a in FALLBACK_ACTIONS for a in actions):
            candidate.reasons.add("fallback")
        if not confident:
            candidate.reasons.add("low_confidence")
        if SUGGEST_ACTION in actions:
            offered = _button_payloads(after)
            following = turns[index + 1][0].data.get("text") if index + 1 < len(turns) else None
            if offered and following is not None and str(following).strip() not in offered - {"/request_human"}:
                candidate.reasons.add("rejected_suggestion")
        if UNKNOWN_ANSWER_ACTION in actions or (parse.get("answerability") or {}).get("answerable") is False:
            candidate.reasons.add("unknown_answer")
        if HANDOFF_ACTION in actions:
            candidate.reasons.add("before_handoff")
        if rated_low:
            candidate.reasons.add("low_rating")
        if not candidate.reasons and topic and _spot_checked(event, settings.spot_check_rate):
            candidate.reasons.add("spot_check")
        found.append(candidate)
        last_question = candidate
    return [c for c in found if c.reasons]


def typed_names(events: Iterable[Event]) -> List[str]:
    """Values of the registration form's name slots: masked wherever they appear."""
    return [
        str(e.data.get("value"))
        for e in events
        if e.kind == "slot" and e.data.get("name") in NAME_SLOTS and e.data.get("value")
    ]


def _low_rated(session: Session, senders: List[str], low: int) -> Set[str]:
    rated: Set[str] = set()
    for start in range(0, len(senders), 500):
        chunk = senders[start : start + 500]
        query = select(Rating.sender_id).where(Rating.sender_id.in_(chunk), Rating.rating <= low)
        rated.update(session.execute(query).scalars())
    return rated


def harvest(session: Session, events_url: str, settings: ReviewSettings | None = None) -> HarvestResult:
    """Reads the conversations touched since the last harvest and stores their new candidates, masked.

    A whole conversation is read (not only new events), because a later event (a handoff, a low
    rating) can make an earlier message worth a look; messages already stored are skipped.
    """
    settings = settings or ReviewSettings.load()
    engine = engine_for(events_url)
    source = source_label(events_url)
    mark = session.get(HarvestWatermark, source) or HarvestWatermark(source=source, last_event_id=0)
    top = last_event_id(engine)
    senders = senders_since(engine, mark.last_event_id, top)
    rated_low = _low_rated(session, senders, settings.low_rating)
    known = set(session.execute(select(HarvestedQuestion.event_id).where(HarvestedQuestion.source == source)).scalars())
    added = 0
    for sender, events in conversations(engine, senders, top).items():
        names = typed_names(events)
        for candidate in candidates(events, sender in rated_low, settings):
            if candidate.event.id in known:
                continue
            session.add(
                HarvestedQuestion(
                    source=source,
                    event_id=candidate.event.id,
                    conversation_id=sender,
                    channel=candidate.channel,
                    language=candidate.language,
                    text=mask_personal_data(candidate.text, names),
                    reasons=",".join(sorted(candidate.reasons)),
                    intent=candidate.intent,
                    intent_confidence=candidate.intent_confidence,
                    topic=candidate.topic,
                    topic_confidence=candidate.topic_confidence,
                    asked_at=datetime.fromtimestamp(candidate.event.timestamp, timezone.utc),
                )
            )
            added += 1
    mark.last_event_id = top
    mark.harvested_at = datetime.now(timezone.utc)
    session.add(mark)
    session.flush()
    return HarvestResult(source, len(senders), added, top)
