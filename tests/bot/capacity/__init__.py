"""Tests of bot/capacity/."""
