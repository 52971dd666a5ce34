"""Operator tools: the command line, reports and charts, digest, retention."""
