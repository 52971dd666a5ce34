-- The waiting room (bot/waiting_room.py): the line in front of the vendor's capacity, and the
-- admissions that pace it (SQLite). Same tables and meaning as postgres/0003_waiting_room.sql.

-- One place per chat. The id orders arrivals (first come, first served; AUTOINCREMENT: never
-- reused, so a rejoin goes to the back); priority orders before it (0 assisted, 1 self-service).
-- No Aadhaar number: one typed while waiting stays in the bot's memory.
CREATE TABLE waiting_line (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL,
    check_id   TEXT    NOT NULL,
    lane       INTEGER NOT NULL,
    priority   INTEGER NOT NULL,
    language   TEXT    NOT NULL,
    joined_at  TEXT    NOT NULL,
    called_at  TEXT,
    message_id INTEGER
);
CREATE INDEX waiting_line_by_lane ON waiting_line (lane, id);

-- Every check started under the plan's limits, by lane: the last minute's paces the next
-- start, today's count is the daily budget spent. waited_ms: from joining the line to the turn
-- (0: straight in), the longest wait in /stats and the weekly digest (bot/capacity.py). Swept
-- after eight days (the digest's week, plus a day).
CREATE TABLE admissions (
    id        INTEGER PRIMARY KEY,
    lane      INTEGER NOT NULL,
    at        TEXT    NOT NULL,
    waited_ms INTEGER NOT NULL
);
CREATE INDEX admissions_by_lane ON admissions (lane, at);
CREATE INDEX admissions_by_time ON admissions (at);
