-- Idempotency keys of the API's unsafe requests. See docs/ARCHITECTURE.md, "Idempotency keys".

-- One row per (principal, key). A request claims its key with a `pending` row holding a lease; when its 2xx
-- response has been produced (after the command committed) the row becomes `completed` with that response, which
-- every retry with the same request gets back. A failed request deletes its row. Rows older than 24 hours are
-- expired: ignored, overwritten by a new claim, and purged from time to time.
CREATE TABLE idempotency_keys (
    principal        text        NOT NULL,
    key              text        NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    -- SHA-256 of the method, path and body: the same key with another request is refused.
    request_hash     bytea       NOT NULL CHECK (length(request_hash) = 32),
    state            text        NOT NULL CHECK (state IN ('pending', 'completed')),
    -- Identifies the claim, so a request only completes or releases the row it claimed itself.
    claim            uuid        NOT NULL,
    -- A pending row whose lease has run out belongs to a request that died (or stalled) mid-way.
    lease_expires_at timestamptz NOT NULL,
    -- The log's head when the key was claimed: the request's own events can only come after it.
    log_position     bigint      NOT NULL,
    status           integer,
    header_names     text[],
    header_values    text[],
    body             bytea,
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (principal, key),
    CHECK (state = 'pending' OR (status IS NOT NULL AND header_names IS NOT NULL AND header_values IS NOT NULL
                                 AND body IS NOT NULL))
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Recovery after a crash between a commit and the stored response looks for the key in the log's metadata.
-- Partial: only events appended by a request that carried a key are indexed.
CREATE INDEX events_idempotency_key ON events ((metadata ->> 'idempotency_key'), (metadata ->> 'principal'))
    WHERE metadata ? 'idempotency_key';

REVOKE ALL ON idempotency_keys FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO employees_app;
