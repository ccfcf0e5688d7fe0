-- Hardening of the reporting role (sql/0004_reporting.sql). See README, "Reporting".

-- 0004 granted SELECT on the views that existed then; a view added to the schema by a later migration would be
-- invisible to reporting jobs until someone remembered the GRANT. Objects the migrating user creates in the schema
-- from now on are readable by `reporting` by default.
ALTER DEFAULT PRIVILEGES IN SCHEMA reporting GRANT SELECT ON TABLES TO reporting;

-- Reporting jobs only read, and must not hold locks or connections long enough to slow the service: every session of
-- the role starts read-only, and a runaway query is stopped.
ALTER ROLE reporting SET default_transaction_read_only = on;
ALTER ROLE reporting SET statement_timeout = '5min';
ALTER ROLE reporting SET idle_in_transaction_session_timeout = '1min';
