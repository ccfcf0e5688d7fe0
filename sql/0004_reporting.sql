-- The reporting jobs' own schema: views over the projections, read by the `reporting` role, which can read that
-- schema and nothing else (no credentials, no write tables, no tokens).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reporting') THEN
        CREATE ROLE reporting LOGIN;
    END IF;
END
$$;

CREATE SCHEMA reporting;
REVOKE ALL ON SCHEMA reporting FROM PUBLIC;

CREATE VIEW reporting.employees AS
    SELECT emp_no, first_name, last_name, birth_date, gender, hire_date, email, disabled, created_at, updated_at
    FROM public.employees;

CREATE VIEW reporting.scope_assignments AS
    SELECT s.emp_no, e.email, s.scope, s.granted_at
    FROM public.employee_scopes s
    JOIN public.employees e USING (emp_no);

CREATE VIEW reporting.headcount_by_hire_year_and_gender AS
    SELECT extract(year FROM hire_date)::integer AS hire_year, gender, count(*) AS headcount
    FROM public.employees
    WHERE NOT disabled
    GROUP BY 1, 2;

CREATE VIEW reporting.changes_per_day AS
    SELECT (recorded_at AT TIME ZONE 'UTC')::date AS day, event_type, count(*) AS events
    FROM public.events
    GROUP BY 1, 2;

GRANT USAGE ON SCHEMA reporting TO reporting;
GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO reporting;
