"""Tests of bot/observability/."""
