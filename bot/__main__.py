"""Command line: ``python -m bot [run|sandbox|i18n|report|purge|lookup|erase]``.

With no command the bot runs (long polling, or a webhook). With no TELEGRAM_BOT_TOKEN set it
says how to get one, or to try the offline demo from a checkout: ``./dev run`` runs
``python -m testing.demo`` there. The demo needs the fake Telegram server, which is test code
and not installed with the bot (README, "Layout").
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from bot.config import Settings, SettingsError, load_settings
from bot.observability.logging_setup import configure_logging
from bot.runtime.event_loop import event_loop_factory

_T = TypeVar("_T")

SETUP_HINT = (
    "Set it in the environment or in .env (README: Running it for real). To try the bot "
    "offline instead, run `./dev run` in a checkout of its repository (the offline demo, "
    "`python -m testing.demo`)."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (long polling)")
    sandbox = commands.add_parser("sandbox", help="serve the vendor sandbox over HTTP")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8090)
    i18n = commands.add_parser("i18n", help="translator tooling: check | bump-notice LANG")
    i18n.add_argument("words", nargs="*")
    from bot.operator.cli import add_commands as add_operator_commands

    add_operator_commands(commands)
    args = parser.parse_args(argv)
    if args.command == "i18n":  # needs no settings
        from bot.i18n.check import main as i18n_main

        return i18n_main(args.words)

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level)

    command = args.command or "run"
    if command == "run":
        return _run(settings)
    if command == "sandbox":
        from bot.sandbox import SandboxConfig, serve_forever

        config = SandboxConfig.on_plan(
            settings.sandbox_plan,
            captcha_text=settings.sandbox_captcha_text,
            latency_ms=settings.sandbox_latency_ms,
            captcha_required=settings.deepvue_captcha,
        )
        serve_forever(config, args.host, args.port)
        return 0
    if command in ("report", "purge", "lookup", "erase"):
        from bot.operator.cli import run as run_operator_command

        return asyncio.run(run_operator_command(command, args, settings))
    parser.error(f"unknown command {command}")
    return 2


def _run(settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        print(
            f"Invalid setting TELEGRAM_BOT_TOKEN: not set. {SETUP_HINT}",
            file=sys.stderr,
        )
        return 2
    if settings.bot_workers > 1:
        from bot.runtime.workers import fork_workers

        workers = fork_workers(settings, settings.bot_workers)  # before any event loop
        from bot.runtime.fanout import run_instance  # the parent's side, imported after the fork

        return _in_loop(run_instance(settings, workers))
    from bot.app import run_until_signalled, settle_process
    from bot.runtime.startup import Refused

    settle_process()
    try:
        _in_loop(run_until_signalled(settings))
    except Refused as exc:
        print(f"Cannot start: {exc}.", file=sys.stderr)
        return 2
    return 0


def _in_loop(main: Coroutine[Any, Any, _T]) -> _T:
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(main)


if __name__ == "__main__":
    sys.exit(main())
