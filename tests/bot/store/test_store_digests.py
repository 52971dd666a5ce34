"""Store contract for the weekly digest's record (claim_digest / release_digest), on every
backend: a week's digest is claimed once per admin, across stores (instances) too."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from bot.store.base import Store
from testing.stores import Backend

WEEK = date(2026, 1, 12)  # a Monday
AT = datetime(2026, 1, 19, 3, 0, tzinfo=UTC)


async def test_a_digest_is_claimed_once_per_week_and_admin(store: Store) -> None:
    assert await store.claim_digest(WEEK, 9001, AT) is True
    assert await store.claim_digest(WEEK, 9001, AT) is False
    assert await store.claim_digest(WEEK, 9002, AT) is True  # another admin
    assert await store.claim_digest(date(2026, 1, 19), 9001, AT) is True  # another week


async def test_a_released_claim_can_be_claimed_again(store: Store, backend: Backend) -> None:
    assert await store.claim_digest(WEEK, 9001, AT)
    await store.release_digest(WEEK, 9001)
    assert await backend.raw("SELECT count(*) FROM digests_sent") == 0
    assert await store.claim_digest(WEEK, 9001, AT) is True
    await store.release_digest(date(2026, 1, 5), 9001)  # nothing to release: no error
    assert await backend.raw("SELECT count(*) FROM digests_sent") == 1


async def test_two_instances_claiming_at_once_send_once(store: Store, backend: Backend) -> None:
    other = backend.new_store()
    await other.open()
    try:
        won = await asyncio.gather(
            *(s.claim_digest(WEEK, admin, AT) for admin in (1, 2, 3) for s in (store, other))
        )
    finally:
        await other.close()
    assert won.count(True) == 3
    assert [won[i] != won[i + 1] for i in (0, 2, 4)] == [True, True, True]
    assert await backend.raw("SELECT count(*) FROM digests_sent") == 3


async def test_a_claim_survives_reopening(store: Store, backend: Backend) -> None:
    assert await store.claim_digest(WEEK, 9001, AT)
    await store.close()
    await store.open()
    assert await store.claim_digest(WEEK, 9001, AT) is False
