-- Tables of the authorization server. See docs/ARCHITECTURE.md, "Security".

-- Refresh tokens are opaque; only their SHA-256 is kept. Single use: a spent token has `used_at`; presenting it
-- again revokes its whole family (RFC 9700 §4.14).
CREATE TABLE refresh_tokens (
    token_hash  bytea       PRIMARY KEY CHECK (length(token_hash) = 32),
    family_id   uuid        NOT NULL,
    emp_no      integer     NOT NULL,
    client_id   text        NOT NULL,
    scope       text        NOT NULL,
    issued_at   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

-- Access tokens revoked before their expiry (logout, RFC 7009), by `jti`.
CREATE TABLE revoked_access_tokens (
    jti        text        PRIMARY KEY,
    emp_no     integer     NOT NULL,
    revoked_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

-- What auditors read about authentication and authorization: never a password or a token.
CREATE TABLE security_log (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at        timestamptz NOT NULL,
    kind               text        NOT NULL,
    principal          text,
    attempted_username text,
    client_address     text,
    reason             text        NOT NULL,
    request_id         text
);

CREATE FUNCTION security_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the security log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER security_log_no_update_or_delete BEFORE UPDATE OR DELETE ON security_log
    FOR EACH ROW EXECUTE FUNCTION security_log_is_append_only();
CREATE TRIGGER security_log_no_truncate BEFORE TRUNCATE ON security_log
    FOR EACH STATEMENT EXECUTE FUNCTION security_log_is_append_only();

REVOKE ALL ON refresh_tokens, revoked_access_tokens, security_log FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON refresh_tokens TO employees_app;
GRANT SELECT, INSERT ON revoked_access_tokens, security_log TO employees_app;
