"""Command line: ``python -m bot [run|demo|sandbox|fake-telegram|i18n|report|purge|lookup|erase]``.

With no command the bot runs with long polling, or, when no TELEGRAM_BOT_TOKEN is set, the
offline demo (fake Telegram + sandbox + bot, chatting in this terminal).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from bot.config import Settings, SettingsError, load_settings
from bot.event_loop import event_loop_factory
from bot.logging_setup import configure_logging

_T = TypeVar("_T")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (long polling)")
    commands.add_parser("demo", help="chat with the bot offline, in this terminal")
    sandbox = commands.add_parser("sandbox", help="serve the vendor sandbox over HTTP")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8090)
    fake = commands.add_parser("fake-telegram", help="serve the fake Telegram Bot API over HTTP")
    fake.add_argument("--host", default="127.0.0.1")
    fake.add_argument("--port", type=int, default=8081)
    i18n = commands.add_parser("i18n", help="translator tooling: check | bump-notice LANG")
    i18n.add_argument("words", nargs="*")
    from bot.operator_cli import add_commands as add_operator_commands

    add_operator_commands(commands)
    args = parser.parse_args(argv)
    if args.command == "i18n":  # needs no settings
        from bot.i18n_check import main as i18n_main

        return i18n_main(args.words)

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    configure_logging(settings.log_level)

    command = args.command or ("run" if settings.telegram_bot_token else "demo")
    if command == "run":
        return _run(settings)
    if command == "demo":
        from bot.demo import run_demo

        return asyncio.run(run_demo(settings))
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
        from bot.operator_cli import run as run_operator_command

        return asyncio.run(run_operator_command(command, args, settings))
    if command == "fake-telegram":
        from bot.fake_telegram import serve_forever as serve_fake

        serve_fake(args.host, args.port)
        return 0
    parser.error(f"unknown command {command}")
    return 2


def _run(settings: Settings) -> int:
    if settings.telegram_bot_token is None:
        print(
            "Invalid setting TELEGRAM_BOT_TOKEN: not set. Set it in the environment or in .env "
            "(or run `python -m bot demo`).",
            file=sys.stderr,
        )
        return 2
    if settings.bot_workers > 1:
        from bot.workers import fork_workers

        workers = fork_workers(settings, settings.bot_workers)  # before any event loop
        from bot.fanout import run_instance  # the parent's side, imported after the fork

        return _in_loop(run_instance(settings, workers))
    from bot.app import run_until_signalled, settle_process
    from bot.startup import Refused

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
