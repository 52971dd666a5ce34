"""The store contract for check references, on every backend (SQLite and PostgreSQL).

A reference's hash finds its check-log row and the consent record the check ran under; erasing
by reference is /forget for a citizen's own check, and for a customer's check (run by an agent)
that row and that consent only, the consent kept and marked withdrawn.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.domain.references import new_reference, reference_hash
from bot.store.base import ReferenceRecords, Store
from testing.store_rows import T0, check, consent, full_state
from testing.stores import Backend

AGENT = 5550001


async def _logged(store: Store, user_id: int, **changes: object) -> tuple[str, int]:
    """A check logged under a new consent record; returns its reference hash and consent id."""
    agent_id = changes.get("agent_id")
    attestation = "agent-attests" if agent_id else None
    consent_id = await store.record_consent(
        consent(user_id, T0, agent_id=agent_id, attestation=attestation)
    )
    digest = reference_hash(new_reference())
    record = check(user_id, T0 + timedelta(minutes=2), consent_id=consent_id, **changes)
    await store.log_check(replace(record, reference_sha256=digest))
    return digest, consent_id


async def test_a_reference_finds_its_check_and_consent(store: Store) -> None:
    digest, consent_id = await _logged(store, AGENT, agent_id=AGENT, last4="1096")
    await _logged(store, AGENT, agent_id=AGENT, last4="0124")  # another customer

    found = await store.records_for_reference(digest)

    assert found is not None
    assert (found.check.last4, found.check.agent_id, found.check.reference_sha256) == (
        "1096",
        AGENT,
        digest,
    )
    assert found.consent is not None and found.consent.id == consent_id
    assert found.consent.withdrawn_at is None
    assert await store.records_for_reference(reference_hash(new_reference())) is None


async def test_erasing_a_customers_reference_keeps_other_customers(store: Store) -> None:
    digest, consent_id = await _logged(store, AGENT, agent_id=AGENT, last4="1096")
    other, other_consent = await _logged(store, AGENT, agent_id=AGENT, last4="0124")
    await store.set_language(AGENT, "en")  # the agent's own preference: not the customer's
    at = T0 + timedelta(days=3)

    erased = await store.erase_reference(digest, at)

    assert isinstance(erased, ReferenceRecords) and erased.check.last4 == "1096"
    assert erased.consent is not None
    assert (erased.consent.id, erased.consent.withdrawn_at) == (consent_id, at)
    assert await store.records_for_reference(digest) is None
    remaining = await store.checks_between(T0, T0 + timedelta(days=9))
    assert [c.last4 for c in remaining] == ["0124"]
    withdrawn = {c.id: c.withdrawn_at for c in await store.consents_for_user(AGENT)}
    assert withdrawn == {consent_id: at, other_consent: None}, "kept, and only that one withdrawn"
    assert await store.get_language(AGENT) == "en"
    assert await store.records_for_reference(other) is not None
    assert await store.erase_reference(digest, at + timedelta(days=1)) is None, "once"


async def test_erasing_a_citizens_reference_is_forget(store: Store) -> None:
    citizen = 7001
    digest, consent_id = await _logged(store, citizen)
    await _logged(store, citizen)  # an earlier check of theirs: theirs too
    await store.save_flow(full_state(chat_id=citizen))
    await store.set_language(citizen, "hi")
    await store.add_otp_request(citizen, T0)
    await _logged(store, 7002)  # someone else
    at = T0 + timedelta(days=1)

    erased = await store.erase_reference(digest, at)

    assert erased is not None and erased.consent is not None
    assert erased.consent.withdrawn_at == at
    assert await store.get_flow(citizen) is None
    assert await store.get_language(citizen) is None
    assert await store.count_otp_requests(citizen, T0) == 0
    remaining = await store.checks_between(T0, T0 + timedelta(days=9))
    assert [c.user_id for c in remaining] == [7002]
    kept = await store.consents_for_user(citizen)
    assert [(c.outcome, c.withdrawn_at) for c in kept] == [("given", at), ("given", at)]
    assert consent_id in {c.id for c in kept}
    assert [c.withdrawn_at for c in await store.consents_for_user(7002)] == [None]


async def test_a_reference_whose_consent_was_swept(store: Store) -> None:
    digest = reference_hash(new_reference())
    await store.log_check(check(AGENT, T0, agent_id=AGENT, reference_sha256=digest))

    found = await store.records_for_reference(digest)
    assert found is not None and found.consent is None
    erased = await store.erase_reference(digest, T0 + timedelta(days=1))
    assert erased is not None and erased.consent is None
    assert await store.checks_between(T0, T0 + timedelta(days=2)) == []


async def test_the_store_refuses_a_plain_reference(store: Store, backend: Backend) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        await store.log_check(check(AGENT, T0, reference_sha256=new_reference()))
    with pytest.raises(Exception, match=r"(?i)check"):  # the column's own CHECK, from outside
        await backend.raw(
            "INSERT INTO check_log (at, user_id, chat_id, outcome, language, reference_sha256)"
            " VALUES ('2026-01-15T06:30:00.000000+00:00', 1, 1, 'active', 'en', 'ABCD')"
        )
