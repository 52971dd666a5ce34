"""How a seeding status reads to a citizen: which meaning and which next step to show."""

from __future__ import annotations

from enum import StrEnum


class StatusKind(StrEnum):
    ACTIVE = "active"  # DBT can be credited to this bank
    INACTIVE = "inactive"  # seeded once, not usable for DBT now
    NOT_SEEDED = "not_seeded"  # no bank in NPCI's mapper
    OTHER = "other"  # a value we don't know: shown as-is, with "contact your bank"


def classify_status(bank_name: str | None, status: str | None) -> StatusKind:
    if not bank_name:
        return StatusKind.NOT_SEEDED
    normalized = (status or "").strip().casefold()
    if normalized == "active":
        return StatusKind.ACTIVE
    if normalized == "inactive":
        return StatusKind.INACTIVE
    return StatusKind.OTHER
