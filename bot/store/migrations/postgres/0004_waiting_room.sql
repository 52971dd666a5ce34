-- The waiting room (bot/waiting_room.py): the line in front of the vendor's capacity, and the
-- admissions that pace it (PostgreSQL). Same tables and meaning as sqlite/0003_waiting_room.sql.

-- One place per chat. The id orders arrivals (first come, first served; an identity is never
-- reused, so a rejoin goes to the back); priority orders before it (0 assisted, 1 self-service).
-- No Aadhaar number: one typed while waiting stays in the bot's memory. In the database, the
-- line survives a restart and an HA failover.
CREATE TABLE waiting_line (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chat_id    bigint      NOT NULL UNIQUE,
    user_id    bigint      NOT NULL,
    check_id   text        NOT NULL,
    lane       integer     NOT NULL,
    priority   integer     NOT NULL,
    language   text        NOT NULL,
    joined_at  timestamptz NOT NULL,
    called_at  timestamptz,
    message_id bigint
);
CREATE INDEX waiting_line_by_lane ON waiting_line (lane, id);

-- Every check started under the plan's limits, by lane: the last minute's paces the next
-- start, today's count is the daily budget spent. waited_ms: from joining the line to the turn
-- (0: straight in), the longest wait in /stats and the weekly digest (bot/capacity.py). Swept
-- after eight days (the digest's week, plus a day).
CREATE TABLE admissions (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lane      integer     NOT NULL,
    at        timestamptz NOT NULL,
    waited_ms bigint      NOT NULL
);
CREATE INDEX admissions_by_lane ON admissions (lane, at);
CREATE INDEX admissions_by_time ON admissions (at);
