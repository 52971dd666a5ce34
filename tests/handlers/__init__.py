"""Tests of the Telegram adapters (handlers/)."""
