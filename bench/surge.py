"""The surge scenario's arithmetic: the least time the vendor plan needs for a number of calls.

The bound is what no scheduler can beat: every call granted at the earliest moment the plan's
per-second and per-minute windows allow (sliding, as the vendor may count), from an idle start,
and the last call's answer one vendor latency later. The surge's last result is read against it.
"""

from __future__ import annotations

from collections import deque

from bot.vendor.config import RateLimits


def capacity_bound_s(calls: int, limits: RateLimits, latency_s: float) -> float:
    """Seconds from the first call to the last call's answer, at the plan's full rate."""
    windows = [
        (limit, span, deque[float]())
        for limit, span in ((limits.per_second, 1.0), (limits.per_minute, 60.0))
        if limit is not None
    ]
    at = 0.0
    for _ in range(calls):
        while True:
            waits = [
                grants[0] + span - at
                for limit, span, grants in windows
                if len(grants) >= limit and grants[0] + span > at
            ]
            if not waits:
                break
            at += max(waits)
            for _, span, grants in windows:
                while grants and grants[0] + span <= at:
                    grants.popleft()
        for _, span, grants in windows:
            grants.append(at)
            while grants and grants[0] + span <= at:
                grants.popleft()
    return at + latency_s
