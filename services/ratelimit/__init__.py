"""Per-sender rate limits for every channel, without Rasa imports (channels, console and tools reuse it).

A token bucket per key: `burst` messages at once, then `per_second` more each second. One process
keeps its buckets in memory (`MemoryRateLimiter`); several instances behind a load balancer share
them in Redis (`RedisRateLimiter`), so a sender cannot multiply the limit by the number of instances.
`from_environment()` picks one: `VO_RATE_LIMIT="burst/per_second"` (default "30/1"; "off" disables)
and `VO_RATE_LIMIT_REDIS_URL` (e.g. redis://localhost:6379/0) for the shared one.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from typing import Dict, Protocol, Tuple

logger = logging.getLogger(__name__)

DEFAULT_LIMIT = "30/1"  # a person types far less than one message a second; a script does not


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until one more message is allowed


class RateLimiter(Protocol):
    async def hit(self, key: str) -> Decision: ...


def _refill(tokens: float, stamp: float, now: float, burst: float, per_second: float) -> float:
    return min(burst, tokens + (now - stamp) * per_second)


@dataclass
class MemoryRateLimiter:
    """Buckets in this process; old ones are forgotten once full again (bounded memory)."""

    burst: float
    per_second: float
    _buckets: Dict[str, Tuple[float, float]] = field(default_factory=dict)

    async def hit(self, key: str) -> Decision:
        now = time.monotonic()
        tokens, stamp = self._buckets.get(key, (self.burst, now))
        tokens = _refill(tokens, stamp, now, self.burst, self.per_second)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return Decision(False, (1 - tokens) / self.per_second)
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > 100_000:
            self._forget_full(now)
        return Decision(True)

    def _forget_full(self, now: float) -> None:
        for key, (tokens, stamp) in list(self._buckets.items()):
            if _refill(tokens, stamp, now, self.burst, self.per_second) >= self.burst:
                del self._buckets[key]


# Atomic bucket update in Redis: KEYS[1] bucket, ARGV burst, per_second, now; returns {allowed, retry_ms}.
_BUCKET_SCRIPT = """
local burst = tonumber(ARGV[1]); local rate = tonumber(ARGV[2]); local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(state[1]) or burst; local stamp = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local allowed = 0; local retry = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 else retry = math.ceil((1 - tokens) / rate * 1000) end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'stamp', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, retry}
"""


@dataclass
class RedisRateLimiter:
    """Buckets shared by every instance through Redis; if Redis is unreachable, messages are let through."""

    burst: float
    per_second: float
    url: str
    prefix: str = "vo:ratelimit:"

    def __post_init__(self) -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        self._script = self._redis.register_script(_BUCKET_SCRIPT)

    async def hit(self, key: str) -> Decision:
        try:
            allowed, retry_ms = await self._script(
                keys=[self.prefix + key], args=[self.burst, self.per_second, time.time()]
            )
        except Exception as error:  # noqa: BLE001 - a limiter outage must not stop the conversation
            logger.warning("Rate limiter unavailable (%s); message allowed", type(error).__name__)
            return Decision(True)
        return Decision(bool(allowed), int(retry_ms) / 1000)


@dataclass
class Unlimited:
    async def hit(self, key: str) -> Decision:
        return Decision(True)


def parse_limit(value: str) -> Tuple[float, float] | None:
    """'30/1' -> (30.0, 1.0); 'off' -> None."""
    if value.strip().lower() in ("off", "0", "none"):
        return None
    burst, _, per_second = value.partition("/")
    parsed = float(burst), float(per_second or 1)
    if parsed[0] < 1 or parsed[1] <= 0:
        raise ValueError(f"VO_RATE_LIMIT must look like 'burst/per_second' with positive numbers, got {value!r}")
    return parsed


def from_environment(environ: Dict[str, str] | None = None) -> RateLimiter:
    environ = dict(os.environ if environ is None else environ)
    limit = parse_limit(environ.get("VO_RATE_LIMIT", DEFAULT_LIMIT))
    if limit is None:
        return Unlimited()
    if environ.get("VO_RATE_LIMIT_REDIS_URL"):
        return RedisRateLimiter(*limit, url=environ["VO_RATE_LIMIT_REDIS_URL"])
    return MemoryRateLimiter(*limit)
