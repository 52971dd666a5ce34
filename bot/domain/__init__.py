"""Pure domain rules: no I/O, no Telegram, no vendor; unit-testable with plain values."""
