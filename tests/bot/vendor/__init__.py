"""Tests of bot/vendor/."""
