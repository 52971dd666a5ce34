"""What tests, benchmarks and the offline demo run against the bot; not installed with it.

Tests (``pythonpath = ["."]`` in pyproject.toml) and ``python -m bench`` (run from the repository
root) import it from the checkout. The product (``bot``, ``handlers``) never imports it
(tests/test_layout.py).

- ``fake_telegram/``: the fake Telegram Bot API server, and a client for one in another process
- ``clock``: ``FakeClock``, time that moves only when a test says so
- ``harness``: the bot end to end, in process, against the fake Telegram and the sandbox
- ``staff``, ``fault_matrix``, ``cli``: agents and admins, the vendor-fault table, the operator
  CLI in a subprocess
- ``users``: scripted users (benchmarks, multi-process tests); ``procs``: bot, fake and sandbox
  processes and what the kernel says about them
- ``leaks``: the search for Aadhaar numbers, OTPs and secrets in logs and files
- ``stores``: SQLite and PostgreSQL backends for the store contract suite
- ``demo``: the offline demo (``./dev run`` with no TELEGRAM_BOT_TOKEN)
"""
