-- Initial schema (PostgreSQL). Same tables and meaning as sqlite/0001_init.sql.
--
-- Objects are created unqualified, in the first schema of search_path (PostgresStore sets it to
-- its own schema when given one). No column may hold an Aadhaar number or an OTP: last4 columns
-- are checked to be four digits.

-- One open check per chat, rewritten at every transition (INSERT ... ON CONFLICT DO UPDATE).
CREATE TABLE flows (
    chat_id           bigint      PRIMARY KEY,
    user_id           bigint      NOT NULL,
    check_id          text        NOT NULL,
    step              text        NOT NULL,
    language          text        NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL,
    mode              text        NOT NULL,
    agent_id          bigint,
    consent_id        bigint,
    last4             text        CHECK (last4 ~ '^[0-9]{4}$'),
    vendor_session_id text,
    reference_id      text,
    otp_sent_at       timestamptz,
    wrong_captchas    integer     NOT NULL DEFAULT 0,
    wrong_otps        integer     NOT NULL DEFAULT 0,
    resends           integer     NOT NULL DEFAULT 0,
    generate_attempts integer     NOT NULL DEFAULT 0,
    prompt_message_id bigint,
    extra             jsonb       NOT NULL DEFAULT '{}'::jsonb
);
-- The expiry sweep; the only secondary index, so a save touches two b-trees at most.
CREATE INDEX flows_by_expiry ON flows (expires_at);

CREATE TABLE chat_prefs (
    chat_id  bigint PRIMARY KEY,
    language text   NOT NULL
);

-- Proof of consent: append-only. The only UPDATE allowed sets withdrawn_at once; the only
-- DELETE is the retention sweep by age. Identity ids are never reused.
CREATE TABLE consents (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        bigint      NOT NULL,
    chat_id        bigint      NOT NULL,
    at             timestamptz NOT NULL,
    notice_id      text        NOT NULL,
    notice_version text        NOT NULL,
    notice_sha256  text        NOT NULL,
    language       text        NOT NULL,
    purpose        text        NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('given', 'declined', 'withdrawn')),
    agent_id       bigint,
    attestation    text,
    withdrawn_at   timestamptz
);
CREATE INDEX consents_by_user ON consents (user_id, at);
CREATE INDEX consents_by_time ON consents (at);

CREATE FUNCTION consents_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'consents are append-only: only withdrawn_at may be set, once'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER consents_fixed_columns
BEFORE UPDATE OF id, user_id, chat_id, at, notice_id, notice_version, notice_sha256, language,
                 purpose, outcome, agent_id, attestation ON consents
FOR EACH ROW EXECUTE FUNCTION consents_append_only();

CREATE TRIGGER consents_withdrawn_once
BEFORE UPDATE OF withdrawn_at ON consents
FOR EACH ROW WHEN (OLD.withdrawn_at IS NOT NULL)
EXECUTE FUNCTION consents_append_only();

-- One row per successful OTP request, for the per-user daily cap; swept after two days.
CREATE TABLE otp_requests (
    id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id bigint      NOT NULL,
    at      timestamptz NOT NULL
);
CREATE INDEX otp_requests_by_user ON otp_requests (user_id, at);
CREATE INDEX otp_requests_by_time ON otp_requests (at);

-- Finished checks, for operators: time, last four digits, outcome, bank, agent. Never more.
CREATE TABLE check_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    user_id     bigint      NOT NULL,
    chat_id     bigint      NOT NULL,
    last4       text        CHECK (last4 ~ '^[0-9]{4}$'),
    outcome     text        NOT NULL,
    bank_name   text,
    status      text,
    language    text        NOT NULL,
    agent_id    bigint,
    duration_ms integer
);
CREATE INDEX check_log_by_time ON check_log (at);
CREATE INDEX check_log_by_user ON check_log (user_id);
