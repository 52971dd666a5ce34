"""The fake Telegram server, driven by real python-telegram-bot code as the bot would drive it.

Everything waits on events (``wait_for`` / ``next_bot_message`` / awaiting requests); nothing
sleeps. Each test starts its own fake on a free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any, TypeAlias

import httpx
import pytest
from PIL import Image
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.helpers import escape_markdown

from testing.fake_telegram import FakeTelegram, FakeTelegramClient

# Creating RetryAfter warns inside PTB itself until PTB_TIMEDELTA becomes the default.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]
CHAT = 1001
CSV = b"bank,status\nSBI,seeded\n"


def bad_request(description: str) -> contextlib.AbstractContextManager[Any]:
    """Expects BadRequest with this description. Case-insensitive, because PTB passes the
    server's description through str.capitalize(), which lowercases all but the first letter."""
    return pytest.raises(BadRequest, match=re.compile(re.escape(description), re.IGNORECASE))


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png(200, 70)


# ---- the bot under test ------------------------------------------------------------------


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    text = update.message.text
    again = InlineKeyboardButton("Again", callback_data=f"again:{text}")
    await update.message.reply_text(f"echo: {text}", reply_markup=InlineKeyboardMarkup([[again]]))


async def _on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("done", show_alert=True)
    await query.edit_message_text(f"pressed {query.data}")


async def _photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await context.bot.send_chat_action(update.message.chat_id, ChatAction.UPLOAD_PHOTO)
    await update.message.reply_photo(
        InputFile(PNG, filename="captcha.png"),
        caption="type the <b>text</b>",
        parse_mode=ParseMode.HTML,
    )


async def _document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_document(InputFile(CSV, filename="report.csv"))


async def _forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.delete()
    await context.bot.send_message(update.message.chat_id, "forgotten")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def app(tg: FakeTelegram) -> AsyncIterator[App]:
    application = ApplicationBuilder().token(tg.token).base_url(tg.base_url).build()
    application.add_handler(CommandHandler("photo", _photo))
    application.add_handler(CommandHandler("doc", _document))
    application.add_handler(CommandHandler("forget", _forget))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    application.add_handler(CallbackQueryHandler(_on_press, pattern="^again:"))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    """A bare PTB Bot for calls the tests make themselves; chat CHAT has talked to the bot."""
    tg.add_chat(CHAT)
    async with Bot(tg.token, base_url=tg.base_url) as client:
        yield client


@pytest.fixture
async def api(tg: FakeTelegram) -> AsyncIterator[httpx.AsyncClient]:
    """Raw HTTP to the Bot API, for what PTB hides (status codes, long polls)."""
    async with httpx.AsyncClient(base_url=f"{tg.base_url}{tg.token}/", timeout=10) as client:
        yield client


# ---- the bot through PTB's Application ---------------------------------------------------


async def test_echo_press_and_edit(tg: FakeTelegram, app: App) -> None:
    first = await tg.send_text(CHAT, "hi")
    reply = await tg.next_bot_message(CHAT)
    assert (first, reply.message_id) == (1, 2)  # one id sequence for user and bot messages
    assert reply.kind == "text" and reply.text == "echo: hi"
    assert reply.buttons == [[("Again", "again:hi")]]
    assert reply.raw["from"]["username"] == "seeding_test_bot"
    assert reply.raw["chat"] == {"id": CHAT, "first_name": "Asha", "type": "private"}
    assert Message.de_json(reply.raw, app.bot) is not None

    query_id = await tg.press(CHAT, reply.message_id, "again:hi")
    edited = await tg.next_bot_message(CHAT)
    assert edited.message_id == reply.message_id and edited.edited
    assert edited.text == "pressed again:hi"
    assert edited.buttons == []  # editMessageText without reply_markup drops the keyboard
    answer = await tg.wait_for(lambda: tg.callback_answers.get(query_id))
    assert (answer.text, answer.show_alert) == ("done", True)
    assert tg.messages(CHAT) == [edited] and tg.last_message(CHAT) == edited

    assert await tg.send_text(CHAT, "again") == 3
    assert (await tg.next_bot_message(CHAT)).message_id == 4


async def test_photo_upload_and_chat_action(tg: FakeTelegram, app: App) -> None:
    await tg.send_text(CHAT, "/photo")
    photo = await tg.next_bot_message(CHAT)
    assert photo.kind == "photo" and photo.photo == PNG
    assert photo.text == "type the text"
    assert photo.entities == [{"type": "bold", "offset": 9, "length": 4}]
    sizes = photo.raw["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 32), (200, 70)]
    assert sizes[-1]["file_size"] == len(PNG)
    assert len({s["file_id"] for s in sizes} | {s["file_unique_id"] for s in sizes}) == 4
    assert tg.chat_actions == [(CHAT, "upload_photo")]
    assert tg.calls_to("sendPhoto")[0].files["photo"].filename == "captcha.png"

    again = await app.bot.send_photo(CHAT, sizes[-1]["file_id"])  # re-send by file_id
    assert again.photo[-1].file_id == sizes[-1]["file_id"]
    assert (await tg.next_bot_message(CHAT)).photo == PNG


async def test_document_upload(tg: FakeTelegram, app: App) -> None:
    await tg.send_text(CHAT, "/doc")
    document = await tg.next_bot_message(CHAT)
    assert document.kind == "document"
    assert (document.document, document.filename) == (CSV, "report.csv")
    assert document.raw["document"]["mime_type"] == "text/csv"


async def test_delete_user_message(tg: FakeTelegram, app: App) -> None:
    command = await tg.send_text(CHAT, "/forget")
    assert (await tg.next_bot_message(CHAT)).text == "forgotten"
    assert tg.deleted_ids(CHAT) == [command]
    with bad_request("Message to delete not found"):
        await app.bot.delete_message(CHAT, command)


# ---- Bot API behaviour, through a bare PTB Bot -------------------------------------------


async def test_unknown_method_and_wrong_token(tg: FakeTelegram, api: httpx.AsyncClient) -> None:
    response = await api.post("getChatMenuButton", data={"chat_id": str(CHAT)})
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not supported by the fake server",
    }
    wrong = await api.get(f"{tg.base_url}999:WRONG/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=tg.base_url):
            pass
    assert (await api.get("GETME")).json()["result"]["username"] == tg.bot_username


async def test_injected_faults(
    tg: FakeTelegram, bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    tg.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
        await bot.send_message(CHAT, "one")
    await bot.send_message(CHAT, "one")
    assert [c.status for c in tg.calls_to("sendMessage")] == [429, 200]

    tg.fail_next("getMe", status=502, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()
    tg.fail_next("deleteMessage", status=400, description="Bad Request: message can't be deleted")
    with bad_request("Message can't be deleted"):
        await bot.delete_message(CHAT, 1)

    tg.drop_next("sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "lost on the way there")
    tg.drop_next("sendMessage", take_effect=True)
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "lost on the way back")
    assert [m.text for m in tg.messages(CHAT)] == ["one", "lost on the way back"]
    assert [c.status for c in tg.calls_to("sendMessage")][-2:] == [0, 0]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_text_parsing_like_telegram(tg: FakeTelegram, bot: Bot) -> None:
    sample = '  Rs. 1,000.50 (approx) - *A/c* _x_ [1] #2 + {3} = 4! ~5~ |6| >7 <8> & "\\" 😀 आधार\n'
    for text, mode in (
        (escape_markdown(sample, version=2), ParseMode.MARKDOWN_V2),
        (html.escape(sample, quote=False), ParseMode.HTML),
    ):
        message = await bot.send_message(CHAT, text, parse_mode=mode)
        assert message.text == sample.strip() and not message.entities

    with bad_request("Character '.' is reserved"):
        await bot.send_message(CHAT, "Rs. 100", parse_mode=ParseMode.MARKDOWN_V2)
    with bad_request('Unsupported start tag "" at byte offset 2'):
        await bot.send_message(CHAT, "1 < 2", parse_mode=ParseMode.HTML)
    with bad_request('Can\'t find end tag corresponding to start tag "b"'):
        await bot.send_message(CHAT, "<b>open", parse_mode=ParseMode.HTML)

    html_message = await bot.send_message(
        CHAT, '😀 <b>bold</b> <a href="https://x.org/?a=1&amp;b=2">link</a>', parse_mode="HTML"
    )
    assert html_message.text == "😀 bold link"
    assert [(e.type, e.offset, e.length, e.url) for e in html_message.entities] == [
        ("bold", 3, 4, None),
        ("text_link", 8, 4, "https://x.org/?a=1&b=2"),
    ]
    markdown = await bot.send_message(
        CHAT, r"*b* _i_ __u__ ~s~ ||p|| `c\`` [l](https://x.org/\)) \.", parse_mode="MarkdownV2"
    )
    assert markdown.text == "b i u s p c` l ."
    kinds = [(e.type, e.offset) for e in markdown.entities]
    assert kinds == [
        ("bold", 0),
        ("italic", 2),
        ("underline", 4),
        ("strikethrough", 6),
        ("spoiler", 8),
        ("code", 10),
        ("text_link", 13),
    ]
    assert markdown.entities[-1].url == "https://x.org/)"
    legacy = await bot.send_message(
        CHAT, "*b* snake\\_case [l](https://x.org)", parse_mode="Markdown"
    )
    assert legacy.text == "b snake_case l"
    assert [(e.type, e.offset, e.length) for e in legacy.entities] == [
        ("bold", 0, 1),
        ("text_link", 13, 1),
    ]
    quote = await bot.send_message(CHAT, ">quoted\n>lines\nafter", parse_mode="MarkdownV2")
    assert quote.text == "quoted\nlines\nafter"
    assert [(e.type, e.offset, e.length) for e in quote.entities] == [("blockquote", 0, 12)]
    with bad_request("Message text is empty"):
        await bot.send_message(CHAT, " \n ")
    with bad_request("Message is too long"):
        await bot.send_message(CHAT, "x" * 4097)


async def test_markup_edit_and_chat_rules(tg: FakeTelegram, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="yes")]])
    sent = await bot.send_message(CHAT, "Proceed?", reply_markup=keyboard)
    with bad_request("Message is not modified"):
        await bot.edit_message_text("Proceed?", CHAT, sent.message_id, reply_markup=keyboard)
    await bot.edit_message_reply_markup(CHAT, sent.message_id)
    assert tg.messages(CHAT)[0].buttons == [] and tg.messages(CHAT)[0].edited
    with bad_request("Message is not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id)
    with bad_request("Message to edit not found"):
        await bot.edit_message_text("x", CHAT, 999)
    with bad_request("There is no caption in the message to edit"):
        await bot.edit_message_caption(CHAT, sent.message_id, caption="x")

    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("No", callback_data="n" * 65)]])
    with bad_request("BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "x", reply_markup=too_long)
    with bad_request("Chat not found"):
        await bot.send_message(4242, "never talked to the bot")
    with bad_request("Message to be replied not found"):
        await bot.send_message(CHAT, "x", reply_to_message_id=999)

    reply = await bot.send_message(CHAT, "threaded", reply_to_message_id=sent.message_id)
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id
    assert tg.messages(CHAT)[-1].reply_to_message_id == sent.message_id

    await bot.delete_message(CHAT, reply.message_id)
    assert tg.messages(CHAT)[-1].deleted
    assert tg.last_message(CHAT) == tg.messages(CHAT)[0]
    with bad_request("Message to delete not found"):
        await bot.delete_message(CHAT, reply.message_id)

    query_id = await tg.press(CHAT, sent.message_id, "anything", strict=False)
    await bot.answer_callback_query(query_id, "ok")
    with bad_request("Query is too old"):
        await bot.answer_callback_query(query_id, "twice")
    with pytest.raises(ValueError, match="has no button"):
        await tg.press(CHAT, sent.message_id, "yes")  # the keyboard is gone


async def test_commands_and_webhook(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "Start a check")])
    scope = BotCommandScopeAllPrivateChats()
    await bot.set_my_commands([BotCommand("help", "मदद")], scope=scope, language_code="hi")
    assert tg.commands_for() == [("start", "Start a check")]
    assert tg.commands_for({"type": "all_private_chats"}, "hi") == [("help", "मदद")]
    fetched = await bot.get_my_commands(scope=scope, language_code="hi")
    assert [(c.command, c.description) for c in fetched] == [("help", "मदद")]
    await bot.delete_my_commands()
    assert tg.commands_for() == []
    with bad_request("BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "upper case")])

    with bad_request("An HTTPS URL must be provided"):
        await bot.set_webhook("http://example.org/hook")
    await bot.set_webhook("https://example.org/hook", secret_token="s3cret-token")
    assert tg.webhook is not None and tg.webhook.secret_token == "s3cret-token"
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert tg.webhook is None and await bot.get_updates() == ()


# ---- updates and long polling ------------------------------------------------------------


async def test_get_updates_long_poll(tg: FakeTelegram, api: httpx.AsyncClient) -> None:
    waiting = asyncio.create_task(api.post("getUpdates", data={"timeout": "5"}))
    await tg.wait_for(lambda: tg.calls_to("getUpdates"))
    started = time.monotonic()
    await tg.send_text(CHAT, "/start now", language_code="hi")
    updates = (await waiting).json()["result"]
    assert time.monotonic() - started < 1  # answered on arrival, not at the timeout
    assert [u["update_id"] for u in updates] == [1]
    message = updates[0]["message"]
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert message["from"] == {
        "id": CHAT,
        "is_bot": False,
        "first_name": "Asha",
        "language_code": "hi",
    }

    await tg.send_sticker(CHAT)
    await tg.send_photo(CHAT, data=_png(1600, 1200), caption="my card")
    await tg.send_edited_text(CHAT, 1, "/start later")
    await tg.send_raw_update({"my_chat_member": {"bogus": True}, "update_id": 77})
    batch = (await api.post("getUpdates", data={"offset": "2", "limit": "3"})).json()["result"]
    assert [u["update_id"] for u in batch] == [2, 3, 4]  # update 1 confirmed by the offset
    assert "sticker" in batch[0]["message"] and "text" not in batch[1]["message"]
    assert [p["width"] for p in batch[1]["message"]["photo"]] == [90, 320, 800, 1280, 1600]
    assert batch[2]["edited_message"]["text"] == "/start later"
    for update in batch:
        assert Update.de_json(update, None) is not None
    assert [u["update_id"] for u in tg.pending_updates] == [2, 3, 4, 5]

    older = asyncio.create_task(api.post("getUpdates", data={"offset": "6", "timeout": "5"}))
    await tg.wait_for(lambda: not tg.pending_updates)
    newer = await api.post("getUpdates", data={"offset": "6", "timeout": "0"})
    assert newer.json() == {"ok": True, "result": []}
    conflict = await older
    assert conflict.status_code == 409
    assert "terminated by other getUpdates request" in conflict.json()["description"]


async def test_group_privacy_mode(tg: FakeTelegram) -> None:
    group = -100123
    await tg.send_text(group, "hello all", chat_type="supergroup", user_id=7, title="Branch")
    await tg.send_text(group, "/start@other_bot", chat_type="supergroup", user_id=7)
    assert tg.pending_updates == []
    await tg.send_text(group, "/start@seeding_test_bot", chat_type="supergroup", user_id=7)
    (update,) = tg.pending_updates
    assert update["message"]["message_id"] == 3
    assert update["message"]["chat"] == {"id": group, "title": "Branch", "type": "supergroup"}
    with pytest.raises(ValueError, match="user_id is required"):
        await tg.send_text(group, "hi", chat_type="supergroup")


async def test_an_admin_bot_sees_every_group_message_and_may_delete_any(
    tg: FakeTelegram, api: httpx.AsyncClient
) -> None:
    group, plain = -100124, -100125
    tg.add_chat(group, chat_type="supergroup", title="Branch", bot_is_admin=True)
    seen = await tg.send_text(group, "hello all", chat_type="supergroup", user_id=7)
    (update,) = tg.pending_updates
    assert update["message"]["message_id"] == seen, "privacy mode does not apply to admins"
    deleted = await api.post("deleteMessage", data={"chat_id": group, "message_id": seen})
    assert deleted.json() == {"ok": True, "result": True}
    tg.privacy_mode = False
    other = await tg.send_text(plain, "hello", chat_type="supergroup", user_id=7)
    refused = await api.post("deleteMessage", data={"chat_id": plain, "message_id": other})
    assert refused.status_code == 400
    assert refused.json()["description"] == "Bad Request: message can't be deleted"


async def test_documents_edited_captions_and_forwards(tg: FakeTelegram) -> None:
    chat = 42
    doc = await tg.send_document(chat, file_name="card.pdf", caption="my card")
    photo = await tg.send_photo(chat, forwarded_from="Ravi")
    await tg.send_edited_caption(chat, photo, "now with a caption")
    first, second, third = (u.get("message") or u["edited_message"] for u in tg.pending_updates)
    assert first["message_id"] == doc and first["caption"] == "my card"
    assert first["document"]["file_name"] == "card.pdf" and "text" not in first
    assert second["forward_origin"]["type"] == "hidden_user"
    assert second["forward_origin"]["sender_user_name"] == "Ravi"
    assert third["message_id"] == photo and third["caption"] == "now with a caption"
    assert "edit_date" in third and "photo" in third
    with pytest.raises(ValueError, match="not a user's media"):
        await tg.send_edited_caption(chat, 999, "x")


async def test_stop_answers_pending_long_poll_at_once(
    tg: FakeTelegram, api: httpx.AsyncClient
) -> None:
    waiting = asyncio.create_task(api.post("getUpdates", data={"timeout": "30"}))
    await tg.wait_for(lambda: tg.calls_to("getUpdates"))
    started = time.monotonic()
    await tg.stop()
    assert time.monotonic() - started < 1
    assert (await waiting).json() == {"ok": True, "result": []}


async def test_wait_for_timeout_shows_transcript(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(CHAT, "Enter your Aadhaar number")
    with pytest.raises(TimeoutError, match=r"(?s)chat 1001 .*'Enter your Aadhaar number'"):
        await tg.wait_for(lambda: len(tg.messages(CHAT)) > 1, timeout=0.05)


# ---- the out-of-process control surface --------------------------------------------------


async def test_control_surface(tg: FakeTelegram, app: App, api: httpx.AsyncClient) -> None:
    async with FakeTelegramClient(tg.base_url) as client:
        assert client.url == tg.url
        await client.send_text(CHAT, "via http")
        reply = await client.next_bot_message(CHAT)
        assert reply.text == "echo: via http" and reply.buttons == [[("Again", "again:via http")]]
        await client.press(CHAT, reply.message_id, reply.button("Again").data)
        edited = await client.next_bot_message(CHAT)
        assert edited.edited and edited.text == "pressed again:via http"
        assert [m.text for m in await client.messages(CHAT, after=1)] == ["pressed again:via http"]
        state = await client.state()
        assert list(state["callback_answers"].values()) == [
            {"text": "done", "show_alert": True, "url": None}
        ]
        await client.send_text(CHAT, "/photo")
        photo = await client.next_bot_message(CHAT)
        assert photo.photo == PNG
        document = await client.send_document(CHAT, file_name="card.pdf")
        await client.send_edited_caption(CHAT, document, "a caption")
        assert tg._known_chat(CHAT).messages[document]["caption"] == "a caption"

        await client.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter):
            await app.bot.send_message(CHAT, "x")
        assert (await client.calls("sendMessage"))[-1]["status"] == 429
        with pytest.raises(ValueError, match="has no button"):
            await client.press(CHAT, reply.message_id, "again:via http")
        with pytest.raises(TimeoutError):
            await client.next_bot_message(CHAT, timeout=0.05)
        refused = await api.get(f"{tg.url}/_fake/send_text", params={"chat_id": CHAT})
        assert refused.status_code == 400 and "POST" in refused.json()["description"]


async def test_the_webhook_gets_an_update_again_until_it_answers_2xx() -> None:
    """As Telegram: one POST per update with the secret token; an error status (or no answer)
    and the update is posted again; once answered 2xx it is gone."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    from bot.sandbox.server import serving

    posts: list[tuple[int, str | None]] = []

    async def hook(request: Request) -> Response:
        body = await request.json()
        posts.append((body["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return Response(status_code=500 if len(posts) == 1 else 200)

    app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
    async with FakeTelegram() as tg, serving(app, "127.0.0.1", 0) as local:
        await tg.send_text(42, "/start")
        tg.deliver_webhook_to(f"{local}/hook", retry_s=0.01)
        await asyncio.sleep(0.05)
        assert posts == [], "nothing is posted while no webhook is set"
        async with httpx.AsyncClient() as client:
            answer = await client.post(
                f"{tg.base_url}{tg.token}/setWebhook",
                data={"url": "https://bot.example.org/hook", "secret_token": "s3"},
            )
        assert answer.json()["ok"]
        await tg.wait_for(lambda: not tg.pending_updates, timeout=5)
    assert posts == [(1, "s3"), (1, "s3")]
