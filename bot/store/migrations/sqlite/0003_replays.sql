-- Replays (SQLite). Same column and meaning as postgres/0003_replays.sql.
--
-- Telegram delivers an update again when the bot did not confirm it (a process killed, an HA
-- failover): the id of the last update applied to a chat's check is saved with its state, so
-- that a replay of it is recognised and not applied twice (handlers/turn.py).
ALTER TABLE flows ADD COLUMN last_update_id INTEGER;
