"""The fake Telegram's fast path for many users (benchmarks): ``batch`` and ``feed``."""

from __future__ import annotations

import httpx

from testing.fake_telegram import FakeTelegram, FakeTelegramClient

KEYBOARD = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'


async def test_batch_queues_many_users_actions_and_feed_returns_every_chats_events() -> None:
    async with FakeTelegram() as tg, FakeTelegramClient(tg.url) as client:
        done = await client.batch(
            [
                ("send_text", {"chat_id": 11, "text": "/start"}),
                ("send_text", {"chat_id": 12, "text": "hello"}),
                ("press", {"chat_id": 11, "message_id": 999, "callback_data": "x"}),
                ("fail_next", {"method": "sendMessage", "status": 500}),  # not a user action
            ]
        )
        assert [d.error is None for d in done] == [True, True, False, False]
        assert done[0].result == 1 and done[0].at <= done[1].at
        assert len(tg.pending_updates) == 2

        async with httpx.AsyncClient() as bot:  # the bot answers both chats
            for chat_id in (11, 12):
                await bot.post(
                    f"{tg.base_url}{tg.token}/sendMessage",
                    data={
                        "chat_id": str(chat_id),
                        "text": "Choose",
                        "reply_markup": KEYBOARD,
                    },
                )
        events = await client.feed(0, timeout=1)
        assert [(e.chat_id, e.type, e.buttons) for e in events] == [
            (11, "sent", ["a"]),
            (12, "sent", ["a"]),
        ]
        assert events[0].message_id == tg.messages(11)[0].message_id
        assert await client.feed(events[-1].seq, timeout=0) == []  # nothing newer
