"""Moved to :mod:`bot.check.outcomes` (one outcome enum for vendor answers and check ends);
importers outside handlers/ and bot/check/ still use this name until the layout script
rewrites them."""

from bot.check.outcomes import Outcome

__all__ = ["Outcome"]
