-- Field agents, their one-time invite links, and the check-log index their history and daily
-- quota read (PostgreSQL). Same tables and meaning as sqlite/0002_agents.sql.

-- One row per person ever enrolled as an agent. Revoking sets revoked_at and keeps the row, so
-- every agent_id in the check log names someone an auditor can look up; an invite redeemed by
-- a revoked agent re-activates the same row. Admins are not here: ADMIN_IDS is their source.
CREATE TABLE agents (
    user_id     bigint      PRIMARY KEY,
    enrolled_at timestamptz NOT NULL,
    invited_by  bigint      NOT NULL,
    label       text,
    revoked_at  timestamptz,
    revoked_by  bigint
);

-- Invite links: only the SHA-256 of the token is kept, so a copy of the database holds no
-- working link. Single use (used_at set once), expiring; swept once expired.
CREATE TABLE invites (
    token_sha256 text        PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    created_by   bigint      NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    label        text,
    used_at      timestamptz,
    used_by      bigint
);
CREATE INDEX invites_by_expiry ON invites (expires_at);

-- /history (an agent's last checks) and the per-agent daily quota.
CREATE INDEX check_log_by_agent ON check_log (agent_id, at);
