-- Replays (PostgreSQL). Same column and meaning as sqlite/0006_replays.sql.
--
-- Telegram delivers an update again when the bot did not confirm it (a process killed, an HA
-- failover): the id of the last update applied to a chat's check is saved with its state, so
-- that a replay of it is recognised and not applied twice (handlers/turn.py).
ALTER TABLE flows ADD COLUMN last_update_id bigint;

-- The vendor call a check waits for, marked before the call: found at start-up when the process
-- that made it died before the answer (bot/recovery.py). Read only then: no index.
ALTER TABLE flows ADD COLUMN awaiting_vendor text;
