"""Tests of bot/operator/."""
