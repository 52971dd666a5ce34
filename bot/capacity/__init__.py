"""Capacity: the waiting room before the vendor plan, capacity figures, held numbers."""
