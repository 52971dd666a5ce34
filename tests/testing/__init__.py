"""Tests of the testing package: the fakes the other tests rely on."""
