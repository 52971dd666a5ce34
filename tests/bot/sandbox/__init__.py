"""Tests of bot/sandbox/."""
