"""Persistence behind one interface: SQLite (default) and PostgreSQL (scale-out)."""

from bot.store.base import CheckRecord, ConsentRecord, Store

__all__ = ["CheckRecord", "ConsentRecord", "Store"]
