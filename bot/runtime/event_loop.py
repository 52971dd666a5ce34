"""Which event loop our processes run on: uvloop's when it is installed (a dependency), else
asyncio's. ``SEEDINGBOT_LOOP=asyncio`` forces asyncio's, to compare or to debug.

uvloop's C loop and transports cost less CPU per request: bot CPU per check 53.7 → 46.1 ms
(bench/README.md), and 10–20 % for the fake Bot API server in a loopback replay of a check.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    if os.environ.get("SEEDINGBOT_LOOP") == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop
