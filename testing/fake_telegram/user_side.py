"""The user's side of the fake: what a person does in Telegram (send text, stickers, photos,
documents, edits; tap buttons), each queued as the Update the real server would send the bot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from testing.fake_telegram.entities import command_entities
from testing.fake_telegram.records import ChatType, JSONDict
from testing.fake_telegram.requests import ApiError
from testing.fake_telegram.world import Chat, World, image_size, without_reply

# The update types a bot gets only when it asks for them in allowed_updates (Bot API docs).
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class UserSide(World):
    """What users do (see ``FakeTelegram``)."""

    # ---- user side ------------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        chat_type: ChatType = "private",
        first_name: str = "Asha",
        title: str | None = None,
        bot_is_admin: bool = False,
    ) -> None:
        """Makes a chat known to the bot without a message (e.g. an admin chat it writes to).
        Private chat ids are positive (= the user's id), group ids negative. In a group,
        ``bot_is_admin`` makes the bot an administrator: it then receives every message
        whatever the privacy mode, and may delete any message (deleteMessage's rules)."""
        chat = self._chat(chat_id, chat_type, first_name, title)
        if chat_type != "private":
            chat.bot_is_admin = bot_is_admin

    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str = "en",
        first_name: str = "Asha",
        title: str | None = None,
        reply_to_message_id: int | None = None,
        forwarded_from: str | None = None,
    ) -> int:
        """The user sends ``text``; returns its message id. /commands get bot_command entities
        (a forwarded message keeps its original's). ``forwarded_from``: the user forwards a
        message of that sender (who hides their account: a ``MessageOriginHiddenUser``)."""
        content: JSONDict = {"text": text, **self._forward_origin(forwarded_from)}
        if entities := command_entities(text):
            content["entities"] = entities
        return self._user_message(
            chat_id,
            content,
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            title=title,
            reply_to_message_id=reply_to_message_id,
        )

    async def send_sticker(
        self,
        chat_id: int,
        *,
        emoji: str = "👍",
        user_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str = "en",
        first_name: str = "Asha",
        title: str | None = None,
    ) -> int:
        """The user sends a sticker (a message with no text); returns its message id."""
        number = next(self._ids)
        sticker = {
            "file_id": f"CAACAgIAAxkB{number:08d}",
            "file_unique_id": f"AgAD{number:08d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 20480,
        }
        return self._user_message(
            chat_id,
            {"sticker": sticker},
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            title=title,
        )

    async def send_photo(
        self,
        chat_id: int,
        *,
        data: bytes | None = None,
        caption: str | None = None,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        language_code: str = "en",
        first_name: str = "Asha",
        title: str | None = None,
        forwarded_from: str | None = None,
    ) -> int:
        """The user sends a photo (``data`` must be an image if given; else a 1280x960 photo
        without bytes); returns its message id. The message has photo sizes and no text."""
        if data is None:
            sizes = self._store_photo(b"", 1280, 960)
        else:
            try:
                sizes = self._store_photo(data, *image_size(data))
            except ApiError as error:
                raise ValueError(f"not a usable image: {error.description}") from None
        who = (user_id, chat_type, language_code, first_name, title)
        return self._user_media(chat_id, {"photo": sizes}, caption, forwarded_from, *who)

    async def send_document(
        self,
        chat_id: int,
        *,
        file_name: str | None = "scan.pdf",
        caption: str | None = None,
        forwarded_from: str | None = None,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        title: str | None = None,
    ) -> int:
        """The user sends a file (a Document, with ``file_name`` if given); returns its message
        id. The message has no text; ``caption`` is its caption. The sender's profile is Asha's,
        in English."""
        number = next(self._ids)
        document: JSONDict = {
            "file_id": f"BQACAgIAAxkB{number:08d}",
            "file_unique_id": f"AgAD{number:08d}",
            "mime_type": "application/pdf",
            "file_size": 48213,
        }
        if file_name:
            document["file_name"] = file_name
        who = (user_id, chat_type, "en", "Asha", title)
        return self._user_media(chat_id, {"document": document}, caption, forwarded_from, *who)

    def _user_media(
        self,
        chat_id: int,
        content: JSONDict,
        caption: str | None,
        forwarded_from: str | None,
        *who: Any,
    ) -> int:
        """A photo or file message: its caption, and a forward origin if forwarded (a
        ``MessageOriginHiddenUser``). ``who``: user_id, chat_type, language_code, first_name,
        title, as for ``_user_message``."""
        user_id, chat_type, language_code, first_name, title = who
        content = {**content, **self._forward_origin(forwarded_from)}
        if caption:
            content["caption"] = caption
        return self._user_message(
            chat_id,
            content,
            user_id=user_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            title=title,
        )

    def _forward_origin(self, sender_name: str | None) -> JSONDict:
        if not sender_name:
            return {}
        origin = {"type": "hidden_user", "date": self._now() - 60, "sender_user_name": sender_name}
        return {"forward_origin": origin}

    async def send_edited_caption(self, chat_id: int, message_id: int, caption: str) -> None:
        """The user edits the caption of their photo or file ``message_id`` (an edited_message
        update; an empty caption removes it)."""
        chat = self._known_chat(chat_id)
        old = chat.messages.get(message_id)
        if old is None or old["from"]["is_bot"] or not ("photo" in old or "document" in old):
            raise ValueError(f"message {message_id} in chat {chat_id} is not a user's media")
        new = {k: v for k, v in old.items() if k not in ("caption", "caption_entities")}
        new["edit_date"] = self._now()
        if caption:
            new["caption"] = caption
        chat.messages[message_id] = new
        if self._delivers(chat, new) and self._allows("edited_message"):
            self._enqueue({"edited_message": new})

    async def send_edited_text(self, chat_id: int, message_id: int, text: str) -> None:
        """The user edits their text message ``message_id`` (an edited_message update)."""
        chat = self._known_chat(chat_id)
        old = chat.messages.get(message_id)
        if old is None or old["from"]["is_bot"] or "text" not in old:
            raise ValueError(f"message {message_id} in chat {chat_id} is not a user's text")
        new = {k: v for k, v in old.items() if k != "entities"}
        new.update(text=text, edit_date=self._now())
        if entities := command_entities(text):
            new["entities"] = entities
        chat.messages[message_id] = new
        if self._delivers(chat, new) and self._allows("edited_message"):
            self._enqueue({"edited_message": new})

    async def press(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        strict: bool = True,
    ) -> str:
        """The user taps the inline button with ``callback_data`` on the bot's message
        ``message_id``; returns the callback query id. With ``strict`` (the default) the
        button must be on the message now, as in a real client."""
        chat = self._known_chat(chat_id)
        message = chat.messages.get(message_id)
        if message is None:
            raise ValueError(f"message {message_id} is not in chat {chat_id} (deleted?)")
        if strict:
            buttons = [
                b.get("callback_data")
                for row in message.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
            ]
            if callback_data not in buttons:
                raise ValueError(
                    f"message {message_id} has no button with callback_data {callback_data!r};"
                    f" it has {buttons}"
                )
        uid = self._user_id(chat, user_id)
        user = self._users.get(uid) or self._user(uid, "Asha", "en")
        query_id = str(4_000_000_000_000_000 + next(self._ids))
        self._open_queries.add(query_id)
        query = {
            "id": query_id,
            "from": user,
            "message": message,
            "chat_instance": str((chat.id * 2_654_435_761) % (1 << 62)),
            "data": callback_data,
        }
        if self._allows("callback_query"):
            self._enqueue({"callback_query": query})
        return query_id

    async def send_raw_update(self, update: Mapping[str, Any]) -> int:
        """Queues any Update as given (its update_id is replaced); returns the update_id.
        Raw updates bypass the allowed_updates filter."""
        return self._enqueue({k: v for k, v in update.items() if k != "update_id"})

    def _chat(self, chat_id: int, chat_type: ChatType, first_name: str, title: str | None) -> Chat:
        chat = self._chats.get(chat_id)
        if chat is not None:
            if chat.info["type"] != chat_type:
                raise ValueError(f"chat {chat_id} is a {chat.info['type']} chat")
            return chat
        if (chat_type == "private") != (chat_id > 0):
            sign = "positive" if chat_type == "private" else "negative"
            raise ValueError(f"{chat_type} chat ids are {sign}, got {chat_id}")
        if chat_type == "private":
            info: JSONDict = {"id": chat_id, "first_name": first_name, "type": "private"}
        else:
            info = {"id": chat_id, "title": title or "Test group", "type": chat_type}
        chat = self._chats[chat_id] = Chat(info)
        return chat

    def _known_chat(self, chat_id: int) -> Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ValueError(f"chat {chat_id} has no messages yet")
        return chat

    def _user_id(self, chat: Chat, user_id: int | None) -> int:
        if chat.info["type"] == "private":
            if user_id not in (None, chat.id):
                raise ValueError("in a private chat the user id is the chat id")
            return chat.id
        if user_id is None:
            raise ValueError("user_id is required in group chats")
        return user_id

    def _user(self, user_id: int, first_name: str, language_code: str) -> JSONDict:
        user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self._users[user_id] = user
        return user

    def _user_message(
        self,
        chat_id: int,
        content: JSONDict,
        *,
        user_id: int | None,
        chat_type: ChatType,
        language_code: str,
        first_name: str,
        title: str | None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """Files a user's message and queues its update (if the bot would get it)."""
        chat = self._chat(chat_id, chat_type, first_name, title)
        user = self._user(self._user_id(chat, user_id), first_name, language_code)
        message: JSONDict = {"from": user, "chat": chat.info, "date": self._now(), **content}
        if reply_to_message_id is not None:
            target = chat.messages.get(reply_to_message_id)
            if target is None:
                raise ValueError(f"message {reply_to_message_id} is not in chat {chat_id}")
            message["reply_to_message"] = without_reply(target)
        message = {"message_id": self._next_message_id(chat), **message}
        chat.messages[message["message_id"]] = message
        if self._delivers(chat, message) and self._allows("message"):
            self._enqueue({"message": message})
        else:
            self._changed.fire()
        return int(message["message_id"])

    def _delivers(self, chat: Chat, message: JSONDict) -> bool:
        """Group privacy mode: the bot sees commands meant for it and replies to itself."""
        if chat.info["type"] == "private" or not self.privacy_mode or chat.bot_is_admin:
            return True
        replied = message.get("reply_to_message", {}).get("from", {})
        if replied.get("id") == self.bot_user["id"]:
            return True
        command = next(iter(message.get("entities", [])), None)
        if command is None or command["offset"] != 0:
            return False
        _, _, addressee = message["text"][: command["length"]].partition("@")
        return addressee in ("", self.bot_username)

    def _allows(self, kind: str) -> bool:
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _OPT_IN_UPDATES

    def _enqueue(self, fields: JSONDict) -> int:
        self._update_seq += 1
        self._updates.append({"update_id": self._update_seq, **fields})
        self._updates_pulse.fire()
        self._changed.fire()
        return self._update_seq
