-- The weekly digest (bot/digest.py): one row per week and admin once that admin's digest for
-- that week is claimed for sending, so a restart or a second instance never sends it again.
-- Same table and meaning as postgres/0003_digests.sql. week_start: the Monday (IST), YYYY-MM-DD.
CREATE TABLE digests_sent (
    week_start TEXT    NOT NULL CHECK (week_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    admin_id   INTEGER NOT NULL,
    sent_at    TEXT    NOT NULL,
    PRIMARY KEY (week_start, admin_id)
);
