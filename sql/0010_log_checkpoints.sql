-- Signed checkpoints of the event log and the public keys that verify them. See docs/LOG-EVIDENCE.md.
-- The database holds public keys only: the private log signing key stays in the service's data folder (or its
-- environment), so a database superuser who rewrites history cannot sign a matching checkpoint.

-- The public halves of the log signing keys, with their validity periods (Unix microseconds; `valid_until` is set
-- once, when a newer key takes over). Served as `GET /.well-known/log-keys.json`.
CREATE TABLE log_signing_keys (
    key_id         text   PRIMARY KEY CHECK (length(key_id) BETWEEN 1 AND 100),
    public_key     bytea  NOT NULL UNIQUE CHECK (length(public_key) = 32),
    valid_from_us  bigint NOT NULL,
    valid_until_us bigint CHECK (valid_until_us >= valid_from_us)
);

-- One signed statement per position: "the event at `position` has `hash` and was recorded at `recorded_at_us`",
-- signed at `signed_at_us` with the key `key_id`. Append-only like the log itself.
CREATE TABLE log_checkpoints (
    position       bigint PRIMARY KEY CHECK (position > 0),
    hash           bytea  NOT NULL CHECK (length(hash) = 32),
    recorded_at_us bigint NOT NULL,
    signed_at_us   bigint NOT NULL,
    key_id         text   NOT NULL REFERENCES log_signing_keys (key_id),
    signature      bytea  NOT NULL CHECK (length(signature) = 64)
);

CREATE FUNCTION log_checkpoints_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'log checkpoints are append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER log_checkpoints_no_update_or_delete BEFORE UPDATE OR DELETE ON log_checkpoints
    FOR EACH ROW EXECUTE FUNCTION log_checkpoints_are_append_only();
CREATE TRIGGER log_checkpoints_no_truncate BEFORE TRUNCATE ON log_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION log_checkpoints_are_append_only();

-- A key row only ever gains its end: no delete, no truncate, and an update may set `valid_until_us` once, nothing else.
CREATE FUNCTION log_signing_keys_only_close() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.valid_until_us IS NULL AND NEW.valid_until_us IS NOT NULL
        AND NEW.key_id = OLD.key_id AND NEW.public_key = OLD.public_key AND NEW.valid_from_us = OLD.valid_from_us THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'log signing keys only gain an end of validity: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER log_signing_keys_no_change BEFORE UPDATE OR DELETE ON log_signing_keys
    FOR EACH ROW EXECUTE FUNCTION log_signing_keys_only_close();
CREATE TRIGGER log_signing_keys_no_truncate BEFORE TRUNCATE ON log_signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION log_signing_keys_only_close();

REVOKE ALL ON log_signing_keys, log_checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON log_checkpoints TO employees_app;
GRANT SELECT, INSERT, UPDATE (valid_until_us) ON log_signing_keys TO employees_app;
