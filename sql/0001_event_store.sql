-- The event log: the source of truth. See docs/ARCHITECTURE.md, "The event log".

-- The role the service works under. It may read the log and append to it, never change or remove it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'employees_app') THEN
        CREATE ROLE employees_app NOLOGIN;
    END IF;
END
$$;
GRANT employees_app TO CURRENT_USER;

CREATE TABLE event_log_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position  bigint  NOT NULL CHECK (position >= 0),
    hash      bytea   NOT NULL CHECK (length(hash) = 32)
);
INSERT INTO event_log_head (position, hash) VALUES (0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE events (
    position       bigint      PRIMARY KEY CHECK (position > 0),
    stream_id      text        NOT NULL CHECK (length(stream_id) BETWEEN 1 AND 200),
    stream_version integer     NOT NULL CHECK (stream_version > 0),
    event_id       uuid        NOT NULL UNIQUE,
    event_type     text        NOT NULL CHECK (length(event_type) BETWEEN 1 AND 100),
    schema_version smallint    NOT NULL CHECK (schema_version > 0),
    data           jsonb       NOT NULL,
    metadata       jsonb       NOT NULL,
    recorded_at    timestamptz NOT NULL,
    previous_hash  bytea       NOT NULL CHECK (length(previous_hash) = 32),
    hash           bytea       NOT NULL CHECK (length(hash) = 32),
    UNIQUE (stream_id, stream_version)
);

CREATE TABLE streams (
    stream_id text    PRIMARY KEY,
    version   integer NOT NULL CHECK (version > 0)
);

CREATE TABLE projection_checkpoints (
    projection text   PRIMARY KEY,
    position   bigint NOT NULL CHECK (position >= 0)
);

-- Append-only, enforced by the database itself: no UPDATE, DELETE or TRUNCATE on the log, whoever asks.
CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

REVOKE ALL ON events, event_log_head, streams, projection_checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON events TO employees_app;
GRANT SELECT, UPDATE ON event_log_head TO employees_app;
GRANT SELECT, INSERT, UPDATE ON streams, projection_checkpoints TO employees_app;
