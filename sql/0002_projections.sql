-- Read models, updated inline in the appending transaction and rebuildable from the log.
-- See docs/ARCHITECTURE.md, "Projections".

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- emp_no values handed out by create; `import` moves it past the highest imported number.
CREATE SEQUENCE employee_numbers AS integer START 1;

CREATE TABLE employees (
    emp_no     integer      PRIMARY KEY CHECK (emp_no > 0),
    birth_date date         NOT NULL,
    first_name varchar(14)  NOT NULL,
    last_name  varchar(16)  NOT NULL,
    gender     char(1)      NOT NULL CHECK (gender IN ('M', 'F')),
    hire_date  date         NOT NULL,
    email      varchar(255) NOT NULL,
    disabled   boolean      NOT NULL,
    version    integer      NOT NULL CHECK (version > 0),
    created_at timestamptz  NOT NULL,
    updated_at timestamptz  NOT NULL
);
-- Email is unique case-insensitively; the index is also what makes two simultaneous creates with one email
-- resolve to exactly one winner.
CREATE UNIQUE INDEX employees_email_key ON employees (lower(email));
-- Partial matches with leading wildcards (`%nas%`) stay fast at scale.
CREATE INDEX employees_last_name_trgm ON employees USING gin (last_name gin_trgm_ops);
CREATE INDEX employees_first_name_trgm ON employees USING gin (first_name gin_trgm_ops);

CREATE TABLE employee_scopes (
    emp_no     integer     NOT NULL,
    scope      text        NOT NULL,
    granted_at timestamptz NOT NULL,
    PRIMARY KEY (emp_no, scope)
);

-- Password hashes: written in the same transaction as the PasswordChanged event, never in the log itself.
-- Not a projection: a rebuild leaves it alone.
CREATE TABLE credentials (
    emp_no        integer     PRIMARY KEY,
    password_hash text        NOT NULL,
    changed_at    timestamptz NOT NULL
);

REVOKE ALL ON employees, employee_scopes, credentials FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON employees, employee_scopes TO employees_app;
GRANT SELECT, INSERT, UPDATE ON credentials TO employees_app;
GRANT USAGE, SELECT, UPDATE ON SEQUENCE employee_numbers TO employees_app;
