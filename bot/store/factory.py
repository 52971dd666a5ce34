"""Pick and open the store named by one setting (``DATABASE_URL``)."""

from __future__ import annotations

from bot.store.base import Store

_HINT = "use sqlite:///path/to/bot.db (or a bare file path) or postgresql://user@host:5432/dbname"


def store_for(database_url: str) -> Store:
    """The (unopened) store for ``database_url``.

    * ``sqlite:///data/bot.db`` → ``data/bot.db`` (relative to the working directory),
      ``sqlite:////var/lib/bot/bot.db`` → ``/var/lib/bot/bot.db`` (the SQLAlchemy convention);
    * a bare path (no ``://``) → that file;
    * ``postgresql://…`` / ``postgres://…`` → :class:`~bot.store.postgres.PostgresStore`.

    Errors name only the scheme, never the URL: it may carry a password.
    """
    # Backends are imported lazily: a SQLite deployment never imports asyncpg.
    url = database_url.strip()
    if not url:
        raise ValueError(f"empty database URL: {_HINT}")
    if "://" not in url:
        from bot.store.sqlite import SqliteStore

        return SqliteStore(url)
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if scheme == "sqlite":
        if not rest.startswith("/") or rest == "/":
            raise ValueError(f"a sqlite URL has three slashes before the path: {_HINT}")
        from bot.store.sqlite import SqliteStore

        return SqliteStore(rest[1:])
    if scheme in ("postgresql", "postgres"):
        from bot.store.postgres import PostgresStore

        return PostgresStore(url)
    raise ValueError(f"unsupported database URL scheme {scheme!r}: {_HINT}")


async def open_store(database_url: str) -> Store:
    """The store for ``database_url`` (see :func:`store_for`), opened and migrated."""
    store = store_for(database_url)
    await store.open()
    return store
