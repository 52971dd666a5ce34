"""A tiny forward-only migration runner shared by the SQL backends.

Each backend ships ``bot/store/migrations/<dialect>/NNNN_name.sql`` files and a
:class:`MigrationTarget` that knows how to run one file in one transaction. The runner is the
same everywhere: read what is applied from ``schema_version``, apply the rest in order.

Start-up is idempotent and safe when several processes start at once: a target re-checks the
version inside the transaction that applies it, under a lock (SQLite ``BEGIN IMMEDIATE``,
a PostgreSQL advisory lock), so a migration runs exactly once and a loser simply skips it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Protocol

log = logging.getLogger(__name__)

_FILE = re.compile(r"(?P<version>[0-9]{4})_(?P<name>[a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationTarget(Protocol):
    """One database, as the runner sees it."""

    async def applied_versions(self) -> set[int]:
        """Create ``schema_version`` if missing and return the versions recorded in it."""

    async def apply(self, migration: Migration) -> bool:
        """Run ``migration`` and record it, in one transaction; False if it was already there."""


@cache
def load_migrations(dialect: str) -> tuple[Migration, ...]:
    """The migrations of ``dialect`` ("sqlite" or "postgres"), ordered by version.

    Refuses malformed names, duplicate numbers and gaps: a gap usually means a file was left out
    of the package, and applying 3 without 2 would build a schema nobody has tested.
    """
    root = resources.files("bot.store.migrations").joinpath(dialect)
    found: list[Migration] = []
    for entry in root.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _FILE.fullmatch(entry.name)
        if match is None:
            raise RuntimeError(f"migration file {dialect}/{entry.name}: want NNNN_name.sql")
        found.append(
            Migration(int(match["version"]), match["name"], entry.read_text(encoding="utf-8"))
        )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"{dialect} migrations must be numbered 1..N without gaps: {versions}")
    return tuple(found)


async def migrate(target: MigrationTarget, migrations: Sequence[Migration]) -> list[int]:
    """Apply the pending ``migrations`` in order; return the versions this call applied."""
    applied = await target.applied_versions()
    unknown = applied - {m.version for m in migrations}
    if unknown:
        # A newer release migrated this database and was rolled back. Migrations are additive,
        # so the older code keeps working; say so loudly rather than refuse to start.
        log.warning("database has schema versions this code does not know: %s", sorted(unknown))
    done: list[int] = []
    for migration in migrations:
        if migration.version in applied:
            continue
        if await target.apply(migration):
            log.info("applied migration %04d_%s", migration.version, migration.name)
            done.append(migration.version)
    return done
