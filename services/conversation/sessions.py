"""How long an unfinished form outlives its conversation session.

A session ends after `session_expiration_time` without a message (domain/core.yml); a form left
open is then kept for `VO_FORM_KEEP_HOURS` hours (default 72) after the user's last message, and
offered back when the user returns. After that the answers are dropped.
"""

from __future__ import annotations

import os
from datetime import timedelta

DEFAULT_KEEP_HOURS = 72.0


def form_keep_time() -> timedelta:
    """The configured keep time (`VO_FORM_KEEP_HOURS`); a bad value falls back to the default."""
    try:
        hours = float(os.environ.get("VO_FORM_KEEP_HOURS", DEFAULT_KEEP_HOURS))
    except ValueError:
        hours = DEFAULT_KEEP_HOURS
    return timedelta(hours=max(hours, 0.0))


def keeps_form(seconds_since_last_message: float, keep: timedelta | None = None) -> bool:
    """True while an unfinished form may still be offered back."""
    return seconds_since_last_message <= (keep or form_keep_time()).total_seconds()
