"""Tests of the benchmark machinery."""
