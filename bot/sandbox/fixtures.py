"""The sandbox's test Aadhaar numbers and what the vendor answers for each (the contract's table).

Pure data: the per-instance state (e.g. "has the first-try failure happened yet") lives in the
app, keyed by fixture name, so the sandbox never keeps the numbers it is sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

# Messages exactly as on the vendor's page (seed document).
INVALID_AADHAAR_MESSAGE: Final = "Invalid Aadhaar Number or Invalid UID. Please enter valid UID."
SOURCE_FAILURE_MESSAGE: Final = "Source failure. Unable to validate."
MOBILE_NOT_LINKED_MESSAGE: Final = (
    "Either mobile number is not linked or unable to validate at the moment."
)


@dataclass(frozen=True, slots=True)
class ScriptedFailure:
    """An error envelope: HTTP status, ``sub_code`` and ``message``."""

    status: int
    sub_code: str
    message: str


@dataclass(frozen=True, slots=True)
class Seeding:
    """What verify-otp reports; all ``None`` means "not seeded to any bank"."""

    bank_name: str | None
    status: str | None
    last_updated_date: str | None  # YYYY-MM-DD, as the vendor sends it


@dataclass(frozen=True, slots=True)
class Fixture:
    """One row of the table: how generate-otp fails (if it does) and what verify-otp reports.

    ``failing_attempts`` is how many generate-otp calls fail before it behaves; ``None`` means
    every call fails.
    """

    name: str
    seeding: Seeding
    generate_error: ScriptedFailure | None = None
    failing_attempts: int | None = None


INVALID_AADHAAR: Final = ScriptedFailure(422, "INVALID_AADHAAR_NUMBER", INVALID_AADHAAR_MESSAGE)
SOURCE_FAILURE: Final = ScriptedFailure(500, "SOURCE_FAILURE", SOURCE_FAILURE_MESSAGE)
MOBILE_NOT_LINKED: Final = ScriptedFailure(
    500, "MOBILE_NOT_LINKED_OR_UNABLE_TO_VALIDATE", MOBILE_NOT_LINKED_MESSAGE
)

SBI_ACTIVE: Final = Seeding("STATE BANK OF INDIA", "Active", "2013-06-01")
NOT_SEEDED: Final = Seeding(None, None, None)

DEFAULT: Final = Fixture("active_sbi", SBI_ACTIVE)

FIXTURES: Final = MappingProxyType(
    {
        "987654321096": DEFAULT,
        "234567890124": Fixture(
            "inactive_pnb", Seeding("PUNJAB NATIONAL BANK", "Inactive", "2019-11-20")
        ),
        "345678901238": Fixture("not_seeded", NOT_SEEDED),
        "456789012341": Fixture("mobile_not_linked", SBI_ACTIVE, MOBILE_NOT_LINKED),
        "567890123458": Fixture("source_failure", SBI_ACTIVE, SOURCE_FAILURE),
        "678901234560": Fixture("source_failure_once", SBI_ACTIVE, SOURCE_FAILURE, 1),
        "789012345674": Fixture("unknown_to_uidai", SBI_ACTIVE, INVALID_AADHAAR),
    }
)
"""Test number → fixture. Every key passes python-stdnum's Aadhaar check."""


def outcome_for(aadhaar_number: str) -> Fixture:
    """The fixture for a (checksum-valid) number: its table row, else the default Active SBI."""
    return FIXTURES.get(aadhaar_number, DEFAULT)
