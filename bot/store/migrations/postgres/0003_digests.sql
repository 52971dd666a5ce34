-- The weekly digest (bot/digest.py): one row per week and admin once that admin's digest for
-- that week is claimed for sending, so a restart or a second instance never sends it again.
-- Same table and meaning as sqlite/0003_digests.sql. week_start: the Monday (IST).
CREATE TABLE digests_sent (
    week_start date        NOT NULL,
    admin_id   bigint      NOT NULL,
    sent_at    timestamptz NOT NULL,
    PRIMARY KEY (week_start, admin_id)
);
