-- Check references (PostgreSQL). Same columns and meaning as sqlite/0003_check_references.sql.
--
-- Every result card shows a check reference (bot/domain/references.py) that a customer keeps to
-- ask the operator what is stored and to have it erased, without Telegram. The check log keeps
-- only the reference's SHA-256, and the id of the consent decision the check ran under, so that
-- an erasure by reference can withdraw exactly that consent (in an assisted check it carries the
-- agent's ids, not the customer's).
ALTER TABLE check_log
    ADD COLUMN consent_id bigint,
    ADD COLUMN reference_sha256 text CHECK (reference_sha256 ~ '^[0-9a-f]{64}$');
-- Not unique: two checks sharing a reference (about 1 in 10^8 per check at full retention) must
-- not make a result card fail; a lookup takes the newest.
CREATE INDEX check_log_by_reference ON check_log (reference_sha256)
    WHERE reference_sha256 IS NOT NULL;
