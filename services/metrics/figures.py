"""Dashboard figures for a date range and optionally one channel.

A *contact* is a conversation (Rasa sender id) with at least one user message in the range,
counted on the day of its first one, under the channel of that message. It is *contained* when
no handoff ticket was opened for it. The fallback rate is the share of user messages the NLU
classified as `nlu_fallback`; "most asked topics" counts messages answered from an FAQ topic; the
first-response time is how long a handed-over user waited until a consultant took the ticket.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Dict, List, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.answerability import answered_topic
from services.handoff.models import HandoffTicket
from services.review.clustering import cluster_views
from services.review.events import all_conversations, engine_for
from services.storage.models import Rating

OFFICE_ZONE = ZoneInfo("Europe/Warsaw")
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class Period:
    start: date  # inclusive, office time
    end: date  # inclusive
    channel: str | None = None

    @property
    def bounds(self) -> Tuple[datetime, datetime]:
        first = datetime.combine(self.start, datetime.min.time(), OFFICE_ZONE)
        after = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), OFFICE_ZONE)
        return first.astimezone(timezone.utc), after.astimezone(timezone.utc)

    def contains(self, moment: datetime) -> bool:
        first, after = self.bounds
        return first <= moment < after


@dataclass
class Figures:
    period: Period
    contacts: int = 0
    contacts_by_day_channel: Dict[Tuple[str, str], int] = field(default_factory=dict)
    channels: List[str] = field(default_factory=list)
    handoffs: int = 0
    handoff_reasons: Dict[str, int] = field(default_factory=dict)
    user_messages: int = 0
    fallbacks: int = 0
    ratings: Dict[int, int] = field(default_factory=dict)
    top_topics: List[Tuple[str, int]] = field(default_factory=list)
    top_unanswered: List[Tuple[int, str, int, str]] = field(default_factory=list)  # id, language, size, example
    first_response_seconds: List[float] = field(default_factory=list)

    @property
    def containment(self) -> float | None:
        return (self.contacts - self.handoffs) / self.contacts if self.contacts else None

    @property
    def handoff_rate(self) -> float | None:
        return self.handoffs / self.contacts if self.contacts else None

    @property
    def fallback_rate(self) -> float | None:
        return self.fallbacks / self.user_messages if self.user_messages else None

    @property
    def rating_count(self) -> int:
        return sum(self.ratings.values())

    @property
    def average_rating(self) -> float | None:
        count = self.rating_count
        return sum(k * v for k, v in self.ratings.items()) / count if count else None

    @property
    def first_response_mean(self) -> float | None:
        return statistics.fmean(self.first_response_seconds) if self.first_response_seconds else None

    @property
    def first_response_median(self) -> float | None:
        return statistics.median(self.first_response_seconds) if self.first_response_seconds else None

    def days(self) -> List[str]:
        return [
            (self.period.start + timedelta(days=n)).isoformat()
            for n in range((self.period.end - self.period.start).days + 1)
        ]

    def contacts_per_day(self) -> List[Tuple[str, int]]:
        return [(day, sum(n for (d, _), n in self.contacts_by_day_channel.items() if d == day)) for day in self.days()]

    def contacts_per_channel(self) -> List[Tuple[str, int]]:
        totals: Counter = Counter()
        for (_, channel), count in self.contacts_by_day_channel.items():
            totals[channel] += count
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, timezone.utc)


def _conversation_figures(figures: Figures, events_url: str) -> set:
    period = figures.period
    topics: Counter = Counter()
    contacts: Dict[str, Tuple[str, str]] = {}
    channels = set()
    for sender, events in all_conversations(engine_for(events_url)).items():
        for event in events:
            if event.kind != "user":
                continue
            moment = _moment(event.timestamp)
            channel = str(event.data.get("input_channel") or "unknown")
            channels.add(channel)
            if not period.contains(moment) or (period.channel and channel != period.channel):
                continue
            contacts.setdefault(sender, (moment.astimezone(OFFICE_ZONE).date().isoformat(), channel))
            text = str(event.data.get("text") or "")
            if text.startswith("/"):
                continue  # a button or command, not something the user typed
            figures.user_messages += 1
            parse = event.data.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            if intent == FALLBACK_INTENT:
                figures.fallbacks += 1
            elif topic := answered_topic(parse):
                topics[topic] += 1
    figures.contacts = len(contacts)
    figures.contacts_by_day_channel = dict(Counter(contacts.values()))
    figures.channels = sorted(channels)
    figures.top_topics = topics.most_common(10)
    return set(contacts)


def compute(session: Session, events_url: str, period: Period) -> Figures:
    figures = Figures(period)
    in_range = _conversation_figures(figures, events_url)
    first, after = period.bounds
    tickets = select(HandoffTicket).where(HandoffTicket.created_at >= first, HandoffTicket.created_at < after)
    if period.channel:
        tickets = tickets.where(HandoffTicket.channel == period.channel)
    handed_over = set()
    reasons: Counter = Counter()
    for ticket in session.execute(tickets).scalars():
        if ticket.conversation_id not in handed_over:
            handed_over.add(ticket.conversation_id)
            reasons[ticket.reason] += 1
        if ticket.taken_at:
            figures.first_response_seconds.append((ticket.taken_at - ticket.created_at).total_seconds())
    # a handover counts against containment only for a contact of this period
    figures.handoffs = len(handed_over & in_range) if in_range else 0
    figures.handoff_reasons = dict(reasons.most_common())
    ratings = select(Rating.rating).where(Rating.created_at >= first, Rating.created_at < after)
    if period.channel:
        ratings = ratings.where(Rating.channel == period.channel)
    figures.ratings = {value: 0 for value in range(1, 6)}
    for value in session.execute(ratings).scalars():
        figures.ratings[int(value)] += 1
    figures.top_unanswered = [
        (v.id, v.language, v.size, v.examples[0] if v.examples else "")
        for v in cluster_views(session, decided=False)[:10]
    ]
    return figures


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def to_csv(figures: Figures) -> str:
    """figure, key, value rows: the same numbers the dashboard and the HTML report show."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "key", "value"])
    p = figures.period
    writer.writerow(["period", "from", p.start.isoformat()])
    writer.writerow(["period", "to", p.end.isoformat()])
    writer.writerow(["period", "channel", p.channel or "all"])
    writer.writerow(["contacts", "total", figures.contacts])
    for (day, channel), count in sorted(figures.contacts_by_day_channel.items()):
        writer.writerow(["contacts_by_day_channel", f"{day} {channel}", count])
    writer.writerow(["containment_percent", "", _percent(figures.containment)])
    writer.writerow(["handoff_rate_percent", "", _percent(figures.handoff_rate)])
    for reason, count in figures.handoff_reasons.items():
        writer.writerow(["handoff_reasons", reason, count])
    avg = figures.average_rating
    writer.writerow(["average_rating", "", "" if avg is None else f"{avg:.2f}"])
    for value, count in sorted(figures.ratings.items()):
        writer.writerow(["rating_distribution", value, count])
    writer.writerow(["fallback_rate_percent", "", _percent(figures.fallback_rate)])
    for topic, count in figures.top_topics:
        writer.writerow(["most_asked_topics", topic, count])
    for cluster_id, language, size, example in figures.top_unanswered:
        writer.writerow(["top_unanswered_clusters", f"{cluster_id} ({language}) {example}", size])
    mean, median = figures.first_response_mean, figures.first_response_median
    writer.writerow(["first_response_seconds", "mean", "" if mean is None else f"{mean:.0f}"])
    writer.writerow(["first_response_seconds", "median", "" if median is None else f"{median:.0f}"])
    return out.getvalue()
