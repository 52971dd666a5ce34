"""The Bot API methods the fake answers (``FakeTelegram._methods``), strict as the real ones."""

from __future__ import annotations

import functools
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from testing.fake_telegram.app import DROP, Reply, error_reply, json_reply
from testing.fake_telegram.entities import formatted, text_content, u16
from testing.fake_telegram.records import (
    ApiCall,
    BotEvent,
    BotMessage,
    Button,
    CallbackAnswer,
    EventType,
    JSONDict,
    MessageKind,
    UploadedFile,
    Webhook,
)
from testing.fake_telegram.requests import ApiError, Incoming, Params, bad, read_request
from testing.fake_telegram.user_side import UserSide
from testing.fake_telegram.world import Chat, StoredFile, commands_key, image_size, without_reply

# the real limits, counted after entity parsing (in UTF-16 code units)
_MAX_CAPTION = 1024
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_COMMAND_SCOPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)

Handler = Callable[[Params], Awaitable[Any]]


class BotApi(UserSide):
    """The Bot API endpoint and its methods (see ``FakeTelegram``)."""

    @functools.cached_property
    def _methods(self) -> dict[str, Handler]:
        """The Bot API methods the fake answers; names are case-insensitive, as on the real
        API."""
        return {
            name.lower(): handler
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "answerCallbackQuery": self._answer_callback_query,
                "sendChatAction": self._send_chat_action,
                "close": self._close,
                "logOut": self._log_out,
            }.items()
        }

    # ---- the Bot API endpoint -------------------------------------------------------------

    async def _bot_api_route(self, request: Request) -> Response:
        return (await self._bot_api(await Incoming.of(request))).response()

    async def _bot_api(self, request: Incoming) -> Reply:
        method = request.path_params["method"]
        try:
            values, files = read_request(request)
        except ApiError as error:
            return error_reply(error)
        call = ApiCall(method=method, params=values, files=files, at=time.time())
        self.calls.append(call)
        self._changed.fire()
        try:
            reply = await self._dispatch(call, request.path_params["token"])
        except ApiError as error:
            call.status = error.status
            reply = error_reply(error)
        self._changed.fire()
        return reply

    async def _dispatch(self, call: ApiCall, token: str) -> Reply:
        if token != self.token:
            raise ApiError(401, "Unauthorized")
        params = Params(call.params, call.files)
        call.params = params.values
        fault = self._take_fault(call.method)
        if fault is not None and fault.status:
            raise ApiError(fault.status, fault.description, fault.retry_after)
        if fault is not None and not fault.take_effect:
            call.status = 0
            return DROP
        handler = self._methods.get(call.method.lower())
        if handler is None:
            raise ApiError(404, "Not Found: method not supported by the fake server")
        result = await handler(params)
        if fault is not None:
            call.status = 0
            return DROP
        return json_reply({"ok": True, "result": result})

    async def _get_me(self, p: Params) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, p: Params) -> list[JSONDict]:
        """Long polling: holds the request until an update is queued or ``timeout`` passes.
        A newer getUpdates call ends an older one with 409, as on the real server."""
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.opt_integer("offset") or 0
        limit = min(max(p.opt_integer("limit") or 100, 1), 100)
        timeout = max(p.number("timeout", 0), 0.0)
        allowed = p.value("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(kind) for kind in allowed)
        if offset > 0:
            while self._updates and self._updates[0]["update_id"] < offset:
                self._updates.popleft()
        elif offset < 0:
            while len(self._updates) > -offset:
                self._updates.popleft()
        self._poll_seq += 1
        mine = self._poll_seq
        self._updates_pulse.fire()  # ends any older long poll
        await self._until(
            self._updates_pulse, lambda: bool(self._updates) or self._poll_seq != mine, timeout
        )
        if self._poll_seq != mine:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return list(itertools.islice(self._updates, limit))

    async def _set_webhook(self, p: Params) -> bool:
        url = p.opt_string("url") or ""
        if url:
            match = re.match(r"https://[^/:?#]+(?::([0-9]+))?", url)
            if match is None:
                raise bad("bad webhook: An HTTPS URL must be provided for webhook")
            if match[1] not in (None, "80", "88", "443", "8443"):
                raise bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        secret = p.opt_string("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad("secret token contains unallowed characters")
        allowed = p.value("allowed_updates")
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        if url:
            self.webhook = Webhook(
                url=url,
                secret_token=secret,
                allowed_updates=list(allowed) if isinstance(allowed, list) else None,
                max_connections=p.opt_integer("max_connections") or 40,
            )
        return True

    async def _delete_webhook(self, p: Params) -> bool:
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        self.webhook = None
        return True

    async def _get_webhook_info(self, p: Params) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates is not None:
                info["allowed_updates"] = self.webhook.allowed_updates
        return info

    async def _set_my_commands(self, p: Params) -> bool:
        commands = p.value("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad("can't parse commands JSON object")
        parsed: list[tuple[str, str]] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad("can't parse BotCommand JSON object")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
            parsed.append((name, description))
        self.commands[self._commands_key(p)] = parsed
        return True

    async def _get_my_commands(self, p: Params) -> list[JSONDict]:
        commands = self.commands.get(self._commands_key(p), [])
        return [{"command": name, "description": text} for name, text in commands]

    async def _delete_my_commands(self, p: Params) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    def _commands_key(self, p: Params) -> tuple[str, str]:
        scope = p.value("scope")
        if scope is not None and (
            not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES
        ):
            raise bad("can't parse BotCommandScope JSON object")
        return commands_key(scope, p.opt_string("language_code") or "")

    async def _send_message(self, p: Params) -> JSONDict:
        chat = self._target_chat(p)
        return self._send(chat, p, text_content(p))

    async def _send_photo(self, p: Params) -> JSONDict:
        chat = self._target_chat(p)
        caption = self._caption(p)
        photo = self._input_file(p, "photo")
        if isinstance(photo, UploadedFile):
            sizes = self._store_photo(photo.data, *image_size(photo.data))
        elif photo.photo is not None:
            sizes = photo.photo
        else:
            raise bad("wrong file identifier/HTTP URL specified")  # a document's file_id
        return self._send(chat, p, {"photo": sizes, **caption})

    async def _send_document(self, p: Params) -> JSONDict:
        chat = self._target_chat(p)
        caption = self._caption(p)
        document = self._input_file(p, "document")
        if isinstance(document, UploadedFile):
            number = next(self._ids)
            file_id = f"BQACAgIAAxkD{number:08d}"
            stored = StoredFile(
                data=document.data,
                document={
                    "file_id": file_id,
                    "file_unique_id": f"AgAD{number:08d}",
                    "file_name": document.filename,
                    "mime_type": document.content_type,
                    "file_size": len(document.data),
                },
            )
            self._files[file_id] = stored
        else:
            stored = document
        if stored.document is None:
            raise bad("wrong file identifier/HTTP URL specified")  # a photo's file_id
        return self._send(chat, p, {"document": stored.document, **caption})

    async def _edit_message_text(self, p: Params) -> JSONDict:
        chat, old = self._editable(p)
        if "text" not in old:
            raise bad("there is no text in the message to edit")
        return self._edit(chat, old, p, text_content(p), ("text", "entities"))

    async def _edit_message_caption(self, p: Params) -> JSONDict:
        chat, old = self._editable(p)
        if "text" in old:
            raise bad("there is no caption in the message to edit")
        return self._edit(chat, old, p, self._caption(p), ("caption", "caption_entities"))

    async def _edit_message_reply_markup(self, p: Params) -> JSONDict:
        chat, old = self._editable(p)
        return self._edit(chat, old, p, {}, ())

    async def _delete_message(self, p: Params) -> bool:
        chat = self._target_chat(p)
        message_id = p.integer("message_id")
        message = chat.messages.get(message_id)
        if message is None:
            raise bad("message to delete not found")
        # Only its own messages in a group, unless it is an administrator there.
        others = message.get("from", {}).get("id") != self.bot_user["id"]
        if chat.info["type"] != "private" and others and not chat.bot_is_admin:
            raise bad("message can't be deleted")
        del chat.messages[message_id]
        chat.deleted.append(message_id)
        shown = chat.transcript.get(message_id)
        if shown is not None:
            self._record(chat, "deleted", replace(shown, deleted=True))
        return True

    async def _answer_callback_query(self, p: Params) -> bool:
        query_id = p.string("callback_query_id")
        if query_id not in self._open_queries:
            raise bad("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.discard(query_id)
        self.callback_answers[query_id] = CallbackAnswer(
            query_id=query_id,
            text=p.opt_string("text"),
            show_alert=p.flag("show_alert"),
            url=p.opt_string("url"),
            cache_time=p.opt_integer("cache_time") or 0,
        )
        return True

    async def _send_chat_action(self, p: Params) -> bool:
        chat = self._target_chat(p)
        action = p.string("action")
        if action not in _CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    async def _close(self, p: Params) -> bool:
        self.closed = True
        return True

    async def _log_out(self, p: Params) -> bool:
        self.logged_out = True
        return True

    # ---- helpers of the Bot API methods ---------------------------------------------------

    def _target_chat(self, p: Params) -> Chat:
        chat_id = p.value("chat_id")
        if chat_id is None or chat_id == "":
            raise bad("chat_id is empty")
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad("chat not found")
        return chat

    def _caption(self, p: Params) -> JSONDict:
        caption, entities = formatted(p, "caption", "caption_entities")
        if u16(caption) > _MAX_CAPTION:
            raise bad("message caption is too long")
        content: JSONDict = {"caption": caption} if caption else {}
        if caption and entities:
            content["caption_entities"] = entities
        return content

    def _input_file(self, p: Params, name: str) -> UploadedFile | StoredFile:
        """The file of parameter ``name``: an upload (as a part of that name, or referenced
        by attach://), or a file_id of a file sent before."""
        value = p.value(name)
        if value is None:
            upload = p.files.get(name)
            if upload is None:
                raise bad(f"there is no {name} in the request")
        elif isinstance(value, str) and value.startswith("attach://"):
            upload = p.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad(f"there is no {name} in the request")
        else:
            stored = self._files.get(str(value))
            if stored is None:  # URLs too: the fake can't fetch them
                raise bad("wrong file identifier/HTTP URL specified")
            return stored
        if not upload.data:
            raise bad("file must be non-empty")
        return upload

    def _markup(self, p: Params) -> JSONDict | None:
        """The reply_markup, validated like the real API (a real user could never tap an
        invalid button, so a bot sending one must fail here as it would in production)."""
        markup = p.value("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise bad("can't parse inline keyboard markup JSON object")
            for button in itertools.chain.from_iterable(rows):
                _check_button(button)
            return {"inline_keyboard": rows}
        if {"keyboard", "remove_keyboard", "force_reply"} & markup.keys():
            return markup
        raise bad("can't parse reply keyboard markup JSON object")

    def _reply_target(self, chat: Chat, p: Params) -> JSONDict | None:
        parameters = p.value("reply_parameters")
        allow_missing = p.flag("allow_sending_without_reply")
        if isinstance(parameters, dict):
            message_id = parameters.get("message_id")
            allow_missing = bool(parameters.get("allow_sending_without_reply", allow_missing))
            if parameters.get("chat_id") not in (None, chat.id):
                message_id = None if allow_missing else -1  # other chats: not modelled
        else:
            message_id = p.opt_integer("reply_to_message_id")
        if message_id is None:
            return None
        target = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if target is None and not allow_missing:
            raise bad("message to be replied not found")
        return target

    def _send(self, chat: Chat, p: Params, content: JSONDict) -> JSONDict:
        """Files a new bot message (all validation done by the caller) and returns it."""
        markup = self._markup(p)
        reply_to = self._reply_target(chat, p)
        message: JSONDict = {
            "message_id": self._next_message_id(chat),
            "from": self.bot_user,
            "chat": chat.info,
            "date": self._now(),
        }
        if reply_to is not None:
            message["reply_to_message"] = without_reply(reply_to)
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        chat.messages[message["message_id"]] = message
        keyboard = markup.get("keyboard") if markup is not None else None
        labels = [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in (keyboard if isinstance(keyboard, list) else [])
        ]
        shown = self._view(chat, message, p.opt_string("parse_mode"), labels)
        self._record(chat, "sent", shown)
        return message

    def _editable(self, p: Params) -> tuple[Chat, JSONDict]:
        if p.has("inline_message_id"):
            raise bad("inline messages are not supported by the fake server")
        chat = self._target_chat(p)
        message = chat.messages.get(p.integer("message_id"))
        if message is None:
            raise bad("message to edit not found")
        if message["from"]["id"] != self.bot_user["id"]:
            raise bad("message can't be edited")
        return chat, message

    def _edit(
        self, chat: Chat, old: JSONDict, p: Params, content: JSONDict, fields: tuple[str, ...]
    ) -> JSONDict:
        """Applies an edit. Like the real API, a reply_markup left out removes the keyboard."""
        markup = self._markup(p)
        if markup is not None and "inline_keyboard" not in markup:
            raise bad("inline keyboard expected")
        drop = {*fields, "reply_markup", "edit_date"}
        new = {k: v for k, v in old.items() if k not in drop}
        new.update(content)
        if markup is not None:
            new["reply_markup"] = markup
        if new == {k: v for k, v in old.items() if k != "edit_date"}:
            raise bad(_NOT_MODIFIED)
        new["edit_date"] = self._now()
        chat.messages[new["message_id"]] = new
        before = chat.transcript[new["message_id"]]
        parse_mode = p.opt_string("parse_mode") if fields else before.parse_mode
        self._record(chat, "edited", self._view(chat, new, parse_mode, before.reply_keyboard))
        return new

    def _view(
        self, chat: Chat, raw: JSONDict, parse_mode: str | None, reply_keyboard: list[list[str]]
    ) -> BotMessage:
        """The transcript record of a bot message."""
        kind: MessageKind = "text"
        photo = document = filename = None
        if "photo" in raw:
            kind, photo = "photo", self._files[raw["photo"][-1]["file_id"]].data
        elif "document" in raw:
            kind, filename = "document", raw["document"].get("file_name")
            document = self._files[raw["document"]["file_id"]].data
        rows = raw.get("reply_markup", {}).get("inline_keyboard", [])
        return BotMessage(
            chat_id=chat.id,
            message_id=raw["message_id"],
            kind=kind,
            text=str(raw.get("text") or raw.get("caption") or ""),
            buttons=[[Button(b["text"], _button_data(b)) for b in row] for row in rows],
            photo=photo,
            document=document,
            filename=filename,
            edited="edit_date" in raw,
            reply_keyboard=reply_keyboard,
            reply_to_message_id=raw.get("reply_to_message", {}).get("message_id"),
            parse_mode=parse_mode,
            entities=list(raw.get("entities") or raw.get("caption_entities") or []),
            date=raw["date"],
            raw=raw,
        )

    def _record(self, chat: Chat, kind: EventType, shown: BotMessage) -> None:
        chat.transcript[shown.message_id] = shown
        self._event_seq += 1
        event = BotEvent(self._event_seq, chat.id, kind, shown, time.monotonic())
        chat.events.append(event)
        self._feed.append(event)
        self._chat_pulse(chat.id).fire()
        self._feed_pulse.fire()
        self._changed.fire()


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad("can't parse inline keyboard button JSON object")
    if not _BUTTON_ACTIONS & button.keys():
        raise bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not (isinstance(data, str) and 1 <= len(data.encode()) <= 64):
        raise bad("BUTTON_DATA_INVALID")


def _button_data(button: JSONDict) -> str:
    for key in ("callback_data", "url"):
        if isinstance(button.get(key), str):
            return str(button[key])
    for key in ("web_app", "login_url"):
        if isinstance(button.get(key), dict):
            return str(button[key].get("url", ""))
    return ""


