"""``FakeTelegram``: the fake Telegram Bot API server, put together and served (see the package's
docstring for what each module does)."""

from __future__ import annotations

import asyncio
import contextlib
import functools

from starlette.applications import Starlette
from starlette.routing import Route
from uvicorn.config import LOGGING_CONFIG

from bot.runtime import asgi
from bot.runtime.asgi import Served, start_serving
from testing.fake_telegram.app import App, not_found
from testing.fake_telegram.control import Control
from testing.fake_telegram.records import DEFAULT_TOKEN, DEFAULT_USERNAME, JSONDict, Webhook

# Every end-to-end test stops a fake: the requests in flight get this long to answer.
_SHUTDOWN_GRACE_S = 2.0


class FakeTelegram(Control):
    """An in-memory Telegram: the Bot API for the bot, a scriptable user side for tests.

    Lifecycle: ``await start()`` / ``await stop()``, or ``async with FakeTelegram() as tg``.
    The bot connects to ``base_url``; ``url`` is the server root (for ``/_fake/`` control).

    User side (each queues the Update the real server would): ``send_text``, ``send_sticker``,
    ``send_photo``, ``send_document``, ``send_edited_text``, ``send_edited_caption``, ``press``,
    ``send_raw_update``; text, photos and files may be forwarded (``forwarded_from``);
    ``add_chat`` makes a chat known without a message (the real server only lets a bot write
    to chats it has seen), in a group with the bot as an administrator if asked.

    Recorded effects: ``messages(chat_id)`` / ``last_message`` / ``next_bot_message`` (the
    transcript of bot messages, see ``BotMessage``), ``events``, ``deleted_ids``, ``calls`` /
    ``calls_to``, ``callback_answers``, ``chat_actions``, ``commands`` / ``commands_for``,
    ``webhook``, ``pending_updates``; ``wait_for`` waits for any condition over them and
    ``dump`` renders them for a failure message.

    Faults: ``fail_next`` answers the next call(s) of a method with an error; ``drop_next``
    closes the connection without an answer.

    ``privacy_mode`` is the group privacy setting (on, as for a new bot); ``clock`` dates
    messages (``testing.clock.FakeClock`` in tests that move time).
    """

    _served: Served | None = None

    @functools.cached_property
    def app(self) -> Starlette:
        """The fake as an ASGI app (what ``start`` serves; tests may call it in process)."""
        return App(
            routes=[
                Route("/bot{token}/{method}", self._bot_api_route, methods=["GET", "POST"]),
                Route("/_fake/{action}", self._control_route, methods=["GET", "POST"]),
                Route("/{path:path}", not_found),
            ],
            bot_api=self._bot_api,
            control=self._control,
        )

    # ---- lifecycle ------------------------------------------------------------------------

    async def start(
        self, host: str = "127.0.0.1", port: int = 0, *, handle_signals: bool = False
    ) -> None:
        """Serves the fake with uvicorn in the running event loop; port 0 picks a free port.

        ``handle_signals`` lets uvicorn own SIGINT/SIGTERM; only for a process that runs
        nothing but the fake (``serve_forever``).
        """
        if self._served is not None:
            raise RuntimeError("the fake Telegram server is already running")
        self._closing = False
        self._served = start_serving(
            self.app,
            host,
            port,
            on_shutdown=self._release_waiters,
            handle_signals=handle_signals,
            grace_s=_SHUTDOWN_GRACE_S,
            # In-process (tests), leave the host's logging configuration alone.
            log_config=LOGGING_CONFIG if handle_signals else None,
        )

    async def stop(self) -> None:
        """Stops serving. Pending long polls are answered first, so this takes milliseconds."""
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
            self._webhook_task = None
        served = self._served
        if served is None:
            return
        self._release_waiters()
        try:
            await served.stop()
        finally:
            self._served = None

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._served is None:
            raise RuntimeError("the fake Telegram server is not running")
        return self._served.port

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:PORT (control routes are under /_fake/)."""
        if self._served is None:
            raise RuntimeError("the fake Telegram server is not running")
        return self._served.url

    @property
    def base_url(self) -> str:
        """What to give ``ApplicationBuilder().base_url()``; PTB appends the token."""
        return f"{self.url}/bot"

    # ---- webhook delivery -----------------------------------------------------------------

    def deliver_webhook_to(
        self, target: str, *, retry_s: float = 0.5, answer_within_s: float = 60.0
    ) -> None:
        """Deliver updates to the webhook as Telegram does, posting them to ``target`` (the
        local address the public webhook URL leads to, through the operator's TLS proxy):
        one POST per update, with the secret token header, at most the webhook's
        ``max_connections`` at once. An update stays queued until answered 2xx; an error
        status, a refused connection or no answer within ``answer_within_s`` makes it
        delivered again ``retry_s`` later. Nothing is posted while no webhook is set."""
        self._webhook_target = target
        if self._webhook_task is None:
            self._webhook_task = asyncio.create_task(
                self._deliver_webhook(retry_s, answer_within_s), name="fake-telegram-webhook"
            )

    async def _deliver_webhook(self, retry_s: float, answer_within_s: float) -> None:
        import httpx  # only tests that deliver to a webhook need it

        posting: set[int] = set()
        tasks: set[asyncio.Task[None]] = set()

        async def post(client: httpx.AsyncClient, hook: Webhook, update: JSONDict) -> None:
            headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token or ""}
            try:
                target = str(self._webhook_target)
                response = await client.post(target, json=update, headers=headers)
                delivered = 200 <= response.status_code < 300
            except httpx.HTTPError:
                delivered = False
            if delivered:
                with contextlib.suppress(ValueError):
                    self._updates.remove(update)
                self._changed.fire()
            else:
                await asyncio.sleep(retry_s)
            posting.discard(update["update_id"])
            self._updates_pulse.fire()

        async with httpx.AsyncClient(timeout=answer_within_s) as client:
            try:
                while True:
                    hook = self.webhook
                    for update in list(self._updates) if hook is not None else ():
                        assert hook is not None
                        if len(posting) >= hook.max_connections:
                            break
                        if update["update_id"] not in posting:
                            posting.add(update["update_id"])
                            task = asyncio.create_task(post(client, hook, update))
                            tasks.add(task)
                            task.add_done_callback(tasks.discard)
                    await self._updates_pulse.wait(1.0)
            finally:
                for task in tasks:
                    task.cancel()


def serve_forever(
    host: str = "127.0.0.1",
    port: int = 8081,
    token: str = DEFAULT_TOKEN,
    username: str = DEFAULT_USERNAME,
) -> None:
    """Runs a fake in this process until SIGINT/SIGTERM (``python -m testing.fake_telegram``).

    Prints one line with the bot's base URL and the control URL once it accepts connections,
    so a parent process that passed port 0 can read the port it got.
    """
    fake = FakeTelegram(token, username)

    def ready(served: Served) -> None:
        print(f"fake-telegram base_url={served.url}/bot control={served.url}/_fake/", flush=True)

    asgi.serve_forever(
        fake.app,
        host,
        port,
        ready=ready,
        on_shutdown=fake._release_waiters,
        grace_s=_SHUTDOWN_GRACE_S,
        log_config=LOGGING_CONFIG,
    )
