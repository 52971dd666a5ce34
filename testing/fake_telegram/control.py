"""The fake's HTTP control surface (``/_fake/...``): the user side and the records, for a fake
running in another process (``FakeTelegramClient``: the benchmarks)."""

from __future__ import annotations

import bisect
import functools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from testing.fake_telegram.app import Reply, error_reply, json_reply
from testing.fake_telegram.bot_api import BotApi
from testing.fake_telegram.records import BotEvent, BotMessage, FeedEvent, JSONDict, unb64
from testing.fake_telegram.requests import ApiError, Incoming

_MAX_CONTROL_WAIT = 60.0
_CONTROL_READS = frozenset({"messages", "events", "calls", "state", "feed"})


class Control(BotApi):
    """The ``/_fake/`` routes (see ``FakeTelegram``)."""

    @functools.cached_property
    def _control_handlers(self) -> dict[str, Callable[[JSONDict], Awaitable[Any]]]:
        return self._control_actions()

    # ---- the control surface (/_fake/...) -------------------------------------------------

    async def _control_route(self, request: Request) -> Response:
        return (await self._control(await Incoming.of(request))).response()

    async def _control(self, request: Incoming) -> Reply:
        """JSON control routes for a fake in another process (``FakeTelegramClient``).

        POST /_fake/<action> with a JSON object of the keyword arguments of the method of the
        same name: send_text, send_sticker, send_photo (``data`` base64), send_document,
        send_edited_text, send_edited_caption, press, send_raw_update ({"update": ...}),
        fail_next, drop_next. Reads take GET query parameters or a POST body: messages
        (chat_id, after=<message_id>, timeout: long poll until there is a newer bot message),
        events (chat_id, after=<seq>, timeout), calls
        (method), state. Answers {"ok": true, "result": ...} or 400 with a description.

        The fast path for driving many users (benchmarks): ``batch`` ({"actions": [{"action":
        "send_text", "args": {...}}, ...]}) runs user-side actions in order and answers, for
        each, {"result": ..., "at": <fake's monotonic time>} or {"error": description};
        ``feed`` (after=<seq>, timeout, limit) long-polls the compact events of every chat
        (``FeedEvent``), so one request serves a thousand users.
        """
        action = request.path_params["action"]
        if request.method == "GET" and action not in _CONTROL_READS:
            return _control_error(f"{action} changes the fake: POST a JSON object")
        args: JSONDict = request.query_params()
        if request.method == "POST" and (body := request.body):
            try:
                decoded = json.loads(body)
            except ValueError:
                decoded = None
            if not isinstance(decoded, dict):
                return _control_error("the body must be a JSON object")
            args.update(decoded)
        handler = self._control_handlers.get(action)
        if handler is None:
            return error_reply(ApiError(404, "Not Found"))
        try:
            result = await handler(args)
        except (TypeError, ValueError, KeyError) as error:
            return _control_error(f"{action}: {error}")
        return json_reply({"ok": True, "result": result})

    def _control_actions(self) -> dict[str, Callable[[JSONDict], Awaitable[Any]]]:
        async def send_photo(args: JSONDict) -> int:
            data = unb64(args.pop("data", None))
            return await self.send_photo(**args, data=data)

        async def send_edited_text(args: JSONDict) -> None:
            await self.send_edited_text(**args)

        async def send_raw_update(args: JSONDict) -> int:
            return await self.send_raw_update(args["update"])

        async def messages(args: JSONDict) -> list[JSONDict]:
            chat_id, after = int(args["chat_id"]), int(args.get("after", 0))

            def newer() -> list[BotMessage]:
                return [m for m in self.messages(chat_id) if m.message_id > after]

            found = await self._until(self._chat_pulse(chat_id), newer, _wait_arg(args))
            return [m.to_json() for m in found]

        async def events(args: JSONDict) -> list[JSONDict]:
            chat_id, after = int(args["chat_id"]), int(args.get("after", 0))
            found = await self._until(
                self._chat_pulse(chat_id), lambda: self.events(chat_id, after), _wait_arg(args)
            )
            return [e.to_json() for e in found]

        async def fail_next(args: JSONDict) -> None:
            self.fail_next(**args)

        async def drop_next(args: JSONDict) -> None:
            self.drop_next(**args)

        async def calls(args: JSONDict) -> list[JSONDict]:
            method = args.get("method")
            chosen = self.calls if method is None else self.calls_to(str(method))
            return [c.to_json() for c in chosen]

        async def state(args: JSONDict) -> JSONDict:
            return self._state_json()

        async def send_text(args: JSONDict) -> int:
            return await self.send_text(**args)

        async def send_sticker(args: JSONDict) -> int:
            return await self.send_sticker(**args)

        async def press(args: JSONDict) -> str:
            return await self.press(**args)

        async def send_document(args: JSONDict) -> int:
            return await self.send_document(**args)

        async def send_edited_caption(args: JSONDict) -> None:
            await self.send_edited_caption(**args)

        user_actions = {
            "send_text": send_text,
            "send_sticker": send_sticker,
            "send_photo": send_photo,
            "send_document": send_document,
            "send_edited_text": send_edited_text,
            "send_edited_caption": send_edited_caption,
            "press": press,
        }

        async def batch(args: JSONDict) -> list[JSONDict]:
            done: list[JSONDict] = []
            for item in args["actions"]:
                handler = user_actions.get(str(item.get("action")))
                try:
                    if handler is None:
                        raise ValueError(f"not a user action: {item.get('action')!r}")
                    result = await handler(dict(item.get("args") or {}))
                except (TypeError, ValueError, KeyError) as error:
                    done.append({"error": str(error)})
                else:
                    done.append({"result": result, "at": time.monotonic()})
            return done

        async def feed(args: JSONDict) -> list[JSONDict]:
            after, limit = int(args.get("after", 0)), int(args.get("limit", 10_000))

            def newer() -> list[BotEvent]:
                start = bisect.bisect_right(self._feed, after, key=lambda e: e.seq)
                return self._feed[start : start + limit]

            found = await self._until(self._feed_pulse, newer, _wait_arg(args))
            return [FeedEvent.of(e).to_json() for e in found]

        return {
            "batch": batch,
            "feed": feed,
            **user_actions,
            "send_raw_update": send_raw_update,
            "messages": messages,
            "events": events,
            "fail_next": fail_next,
            "drop_next": drop_next,
            "calls": calls,
            "state": state,
        }

    def _state_json(self) -> JSONDict:
        return {
            "callback_answers": {
                query_id: {"text": a.text, "show_alert": a.show_alert, "url": a.url}
                for query_id, a in self.callback_answers.items()
            },
            "chat_actions": [list(action) for action in self.chat_actions],
            "commands": [
                {
                    "scope": json.loads(scope),
                    "language_code": language,
                    "commands": [list(command) for command in commands],
                }
                for (scope, language), commands in self.commands.items()
            ],
            "webhook": None
            if self.webhook is None
            else {"url": self.webhook.url, "secret_token": self.webhook.secret_token},
            "deleted": {str(chat.id): chat.deleted for chat in self._chats.values()},
            "pending_updates": len(self._updates),
        }


def _wait_arg(args: JSONDict) -> float:
    return min(max(float(args.get("timeout", 0)), 0.0), _MAX_CONTROL_WAIT)


def _control_error(description: str) -> Reply:
    return error_reply(ApiError(400, description))


