"""Observability: Prometheus metrics, logging set-up and redaction."""
