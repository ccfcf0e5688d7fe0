-- Failed logins per account and per (account, client address), shared by every instance of the service, so that N
-- instances behind a load balancer allow an attacker the same number of guesses as one. Rows older than the
-- throttle's forgetting time are pruned as failures are recorded (the index keeps that cheap). Keys hold the attempted
-- username and address, as the security log does; the reporting role cannot read them.
CREATE TABLE login_failures (
    key          text PRIMARY KEY,
    failures     integer NOT NULL CHECK (failures > 0),
    last_failure timestamptz NOT NULL
);

CREATE INDEX login_failures_last_failure ON login_failures (last_failure);

GRANT SELECT, INSERT, UPDATE, DELETE ON login_failures TO employees_app;
