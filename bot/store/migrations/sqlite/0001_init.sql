-- Initial schema (SQLite).
--
-- Times are UTC ISO-8601 text, always 32 characters with microseconds
-- ('2026-01-15T06:30:00.000000+00:00', written only by bot.store.rows.iso_utc), so text order is
-- time order, comparisons and indexes work on them, and a datetime round-trips exactly.
-- No column may hold an Aadhaar number or an OTP: last4 columns are checked to be four digits.
-- No PRAGMA here: each migration runs inside one transaction, where most pragmas are no-ops.

-- One open check per chat, rewritten at every transition (an upsert on the rowid key).
CREATE TABLE flows (
    chat_id           INTEGER PRIMARY KEY,  -- rowid alias: an upsert is a single b-tree lookup
    user_id           INTEGER NOT NULL,
    check_id          TEXT    NOT NULL,
    step              TEXT    NOT NULL,
    language          TEXT    NOT NULL,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    expires_at        TEXT    NOT NULL,
    mode              TEXT    NOT NULL,
    agent_id          INTEGER,
    consent_id        INTEGER,
    last4             TEXT    CHECK (last4 GLOB '[0-9][0-9][0-9][0-9]'),
    vendor_session_id TEXT,
    reference_id      TEXT,
    otp_sent_at       TEXT,
    wrong_captchas    INTEGER NOT NULL DEFAULT 0,
    wrong_otps        INTEGER NOT NULL DEFAULT 0,
    resends           INTEGER NOT NULL DEFAULT 0,
    generate_attempts INTEGER NOT NULL DEFAULT 0,
    prompt_message_id INTEGER,
    extra             TEXT    NOT NULL DEFAULT '{}'  -- JSON object of str -> str
);
-- The expiry sweep; the only secondary index, so a save touches two b-trees at most.
CREATE INDEX flows_by_expiry ON flows (expires_at);

CREATE TABLE chat_prefs (
    chat_id  INTEGER PRIMARY KEY,
    language TEXT    NOT NULL
);

-- Proof of consent: append-only. The only UPDATE allowed sets withdrawn_at once; the only
-- DELETE is the retention sweep by age. AUTOINCREMENT: an id is never reused after a sweep,
-- so a consent_id always names one decision.
CREATE TABLE consents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL,
    chat_id        INTEGER NOT NULL,
    at             TEXT    NOT NULL,
    notice_id      TEXT    NOT NULL,
    notice_version TEXT    NOT NULL,
    notice_sha256  TEXT    NOT NULL,
    language       TEXT    NOT NULL,
    purpose        TEXT    NOT NULL,
    outcome        TEXT    NOT NULL CHECK (outcome IN ('given', 'declined', 'withdrawn')),
    agent_id       INTEGER,
    attestation    TEXT,
    withdrawn_at   TEXT
);
CREATE INDEX consents_by_user ON consents (user_id, at);
CREATE INDEX consents_by_time ON consents (at);

CREATE TRIGGER consents_fixed_columns
BEFORE UPDATE OF id, user_id, chat_id, at, notice_id, notice_version, notice_sha256, language,
                 purpose, outcome, agent_id, attestation ON consents
BEGIN
    SELECT RAISE(ABORT, 'consents are append-only: only withdrawn_at may be set');
END;

CREATE TRIGGER consents_withdrawn_once
BEFORE UPDATE OF withdrawn_at ON consents
WHEN OLD.withdrawn_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'consents are append-only: withdrawn_at is set once');
END;

-- One row per successful OTP request, for the per-user daily cap; swept after two days.
CREATE TABLE otp_requests (
    id      INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    at      TEXT    NOT NULL
);
CREATE INDEX otp_requests_by_user ON otp_requests (user_id, at);
CREATE INDEX otp_requests_by_time ON otp_requests (at);

-- Finished checks, for operators: time, last four digits, outcome, bank, agent. Never more.
CREATE TABLE check_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    chat_id     INTEGER NOT NULL,
    last4       TEXT    CHECK (last4 GLOB '[0-9][0-9][0-9][0-9]'),
    outcome     TEXT    NOT NULL,
    bank_name   TEXT,
    status      TEXT,
    language    TEXT    NOT NULL,
    agent_id    INTEGER,
    duration_ms INTEGER
);
CREATE INDEX check_log_by_time ON check_log (at);
CREATE INDEX check_log_by_user ON check_log (user_id);
