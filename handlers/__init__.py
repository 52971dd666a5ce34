"""Telegram handlers: one module per conversation step or feature; ``router`` wires them."""
