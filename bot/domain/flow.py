"""Moved to :mod:`bot.check.state` (the check machine's typed state); importers outside
handlers/ and bot/check/ still use this name until the layout script rewrites them."""

from bot.check.state import FlowState, Mode, Notes, Step

__all__ = ["FlowState", "Mode", "Notes", "Step"]
