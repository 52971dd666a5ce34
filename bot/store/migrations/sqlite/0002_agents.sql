-- Field agents, their one-time invite links, and the check-log index their history and daily
-- quota read (SQLite). Same tables and meaning as postgres/0002_agents.sql.

-- One row per person ever enrolled as an agent. Revoking sets revoked_at and keeps the row, so
-- every agent_id in the check log names someone an auditor can look up; an invite redeemed by
-- a revoked agent re-activates the same row. Admins are not here: ADMIN_IDS is their source.
CREATE TABLE agents (
    user_id     INTEGER PRIMARY KEY,
    enrolled_at TEXT    NOT NULL,
    invited_by  INTEGER NOT NULL,
    label       TEXT,
    revoked_at  TEXT,
    revoked_by  INTEGER
);

-- Invite links: only the SHA-256 of the token is kept, so a copy of the database holds no
-- working link. Single use (used_at set once), expiring; swept once expired.
CREATE TABLE invites (
    token_sha256 TEXT    PRIMARY KEY
                         CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
    created_by   INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT    NOT NULL,
    label        TEXT,
    used_at      TEXT,
    used_by      INTEGER
);
CREATE INDEX invites_by_expiry ON invites (expires_at);

-- /history (an agent's last checks) and the per-agent daily quota.
CREATE INDEX check_log_by_agent ON check_log (agent_id, at);
