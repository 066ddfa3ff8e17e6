"""Which queue a handoff goes to, and what to tell the user about the wait."""

from __future__ import annotations

import math
import os
import secrets
from dataclasses import dataclass

# When there is no history yet: a typical chat with a consultant takes about this long.
DEFAULT_HANDLING_MINUTES = 6.0


def choose_queue(language: str, reason: str, video: bool = False, registration_in_progress: bool = False) -> str:
    """video/sign language first (a different kind of session), then registration, English, general."""
    if video:
        return "video"
    if reason == "registration_form" or registration_in_progress:
        return "registration"
    if language == "en":
        return "english"
    return "general"


@dataclass(frozen=True)
class WaitEstimate:
    position: int  # 1 = next
    minutes: int


def estimate_wait(position: int, handling_minutes: float | None, agents_available: int) -> WaitEstimate:
    """Expected wait: the people ahead, each taking the usual handling time, spread over the agents."""
    per_ticket = handling_minutes if handling_minutes and handling_minutes > 0 else DEFAULT_HANDLING_MINUTES
    ahead = max(position - 1, 0)
    minutes = math.ceil(ahead * per_ticket / max(agents_available, 1)) + 1
    return WaitEstimate(position=position, minutes=minutes)


def meeting_url(base_url: str | None = None) -> str:
    """A video meeting room nobody can guess (Jitsi Meet: the room exists once someone joins)."""
    base = (base_url or os.environ.get("JITSI_BASE_URL") or "https://meet.jit.si").rstrip("/")
    return f"{base}/VirtualOfficial-{secrets.token_urlsafe(18)}"
