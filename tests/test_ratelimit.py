"""services.ratelimit: per-sender token buckets, in memory and shared through Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from services.ratelimit import MemoryRateLimiter, RedisRateLimiter, Unlimited, from_environment, parse_limit

LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def _hits(limiter, key: str, count: int) -> list:  # noqa: ANN001 - any limiter
    async def run() -> list:
        return [(await limiter.hit(key)).allowed for _ in range(count)]

    return asyncio.run(run())


def test_memory_limiter_allows_a_burst_then_refuses_per_sender() -> None:
    limiter = MemoryRateLimiter(burst=5, per_second=0.5)
    assert _hits(limiter, "a", 7) == [True] * 5 + [False] * 2
    assert _hits(limiter, "b", 1) == [True]  # another sender is not affected
    decision = asyncio.run(limiter.hit("a"))
    assert not decision.allowed and 0 < decision.retry_after <= 2


def test_limits_are_parsed_and_chosen_from_the_environment() -> None:
    assert parse_limit("30/1") == (30.0, 1.0) and parse_limit("off") is None
    with pytest.raises(ValueError, match="burst/per_second"):
        parse_limit("0/1")
    assert isinstance(from_environment({"VO_RATE_LIMIT": "off"}), Unlimited)
    assert isinstance(from_environment({}), MemoryRateLimiter)
    assert isinstance(from_environment({"VO_RATE_LIMIT_REDIS_URL": LOCAL_REDIS}), RedisRateLimiter)


def test_redis_limiter_is_shared_by_every_instance() -> None:
    import redis

    try:
        redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is needed at {LOCAL_REDIS} (Debian package redis-server): {error}")
    prefix = f"vo:test:{uuid.uuid4().hex[:8]}:"
    first = RedisRateLimiter(burst=4, per_second=0.1, url=LOCAL_REDIS, prefix=prefix)
    second = RedisRateLimiter(burst=4, per_second=0.1, url=LOCAL_REDIS, prefix=prefix)
    assert _hits(first, "sender", 3) == [True] * 3
    assert _hits(second, "sender", 2) == [True, False]  # the bucket is the same on the other instance
    assert redis.Redis.from_url(LOCAL_REDIS).pttl(prefix + "sender") > 0  # forgotten by itself


def test_redis_outage_lets_messages_through() -> None:
    limiter = RedisRateLimiter(burst=1, per_second=1, url="redis://127.0.0.1:1/0")
    assert _hits(limiter, "sender", 3) == [True, True, True]
