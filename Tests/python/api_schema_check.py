"""Property-based checks of the running service against its own OpenAPI document.

Run by `SchemathesisTests` (Tests/AppTests) against a live `ServiceHarness` service:
  EMPLOYEES_BASE_URL        http://127.0.0.1:<port>
  EMPLOYEES_ADMIN_TOKEN     an access token holding `super:*`
  EMPLOYEES_THROWAWAY_EMP_NO  an employee the run may disable, re-password and strip of scopes
  EMPLOYEES_CALLER_EMP_NO     the employee whose token the run uses (its account commands go to the throw-away one)
  SCHEMATHESIS_MAX_EXAMPLES optional, test cases per operation and phase (default 12)

1. Every operation whose `security` is not empty answers 401 to a request without credentials and to one with
   malformed or forged ones, before looking at the input.
2. Schemathesis generates requests for every operation in the document (so routes added later are covered without
   changing this file) and runs every check it has (`--checks all`): no 5xx; every status, header, content type and
   body as documented; schema-valid requests accepted and schema-invalid ones refused (so the document is exactly as
   strict as the service); secured operations do not ignore authentication. The account-changing operations are
   pointed at the throw-away employee (`api_schema_hooks.py`), so the run cannot lock out the account whose token it uses. Endless streaming
   responses are left to step 1 and to the Swift tests, since a generated request could never finish reading them.
Exit status 0 when everything holds; 2 when Schemathesis is not installed (`.ci/setup` installs it).
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

# Schemathesis' defaults for a schema-valid request, plus 412 (If-Match named a version the record has left).
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
STREAMING_MEDIA_TYPES = {"application/x-ndjson", "text/event-stream"}
# Operations that change who can act as an account: `api_schema_hooks.py` points them at the throw-away employee.
ACCOUNT_OPERATIONS = ["changePassword", "disableEmployee", "enableEmployee", "revokeScope", "grantScopes"]
FORGED_TOKEN = (
    "eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6Im5vLXN1Y2gta2V5In0"
    ".eyJzdWIiOiJlbXBsb3llZToxIiwic2NvcGUiOiJzdXBlcjoqIn0"
    ".c2lnbmF0dXJl"
)


def schemathesis_version():
    """The installed Schemathesis' version, or None; never installs anything (that is `.ci/setup`'s job)."""
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:
        return None
    try:
        return version("schemathesis")
    except PackageNotFoundError:
        return None


def fetch_document(base):
    with urllib.request.urlopen(base + "/openapi.json", timeout=10) as response:
        return json.load(response)


def operations(document):
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete", "head", "options"}:
                yield path, method.upper(), operation


def concrete_path(path, operation):
    """Fills each path parameter with a value of its declared type."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "path":
            kind = parameter.get("schema", {}).get("type")
            path = path.replace("{%s}" % parameter["name"], "1" if kind == "integer" else "x")
    return path


def status_of(base, method, path, headers):
    body = b"{}" if method in {"POST", "PUT", "PATCH"} else None
    request = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("WWW-Authenticate")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("WWW-Authenticate")


def check_authentication(base, document):
    failures = []
    secured = 0
    for path, method, operation in operations(document):
        if not operation.get("security"):
            continue
        secured += 1
        target = concrete_path(path, operation)
        for label, headers in [
            ("no credentials", {}),
            ("a malformed token", {"Authorization": "Bearer not-a-token"}),
            ("a forged token", {"Authorization": "Bearer " + FORGED_TOKEN}),
            ("another scheme", {"Authorization": "Basic YWRtaW46YWRtaW4="}),
        ]:
            status, challenge = status_of(base, method, target, headers)
            if status != 401 or not (challenge or "").startswith("Bearer"):
                failures.append("%s %s with %s: %s (WWW-Authenticate %r)" % (method, target, label, status, challenge))
    print("authentication: %d secured operations probed, %d failures" % (secured, len(failures)))
    for failure in failures:
        print("  " + failure)
    return not failures and secured > 0


def run_schemathesis(base, token, throwaway, document):
    excluded = []
    for path, method, operation in operations(document):
        media_types = set()
        for response in operation.get("responses", {}).values():
            media_types.update(response.get("content", {}).keys())
        if media_types & STREAMING_MEDIA_TYPES:
            excluded += ["--exclude-operation-id", operation["operationId"]]
    known = {operation.get("operationId") for _, _, operation in operations(document)}
    missing = sorted(set(ACCOUNT_OPERATIONS) - known)
    if missing:
        print("the document lacks the account operations %s; update api_schema_hooks.py" % missing)
        return False
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", base + "/openapi.json",
        "--header", "Authorization: Bearer " + token,
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"),
        "--seed", "20240501",
        "--workers", "1",
        "--request-timeout", "10",
        "--suppress-health-check", "all",
        "--generation-database", "none",
        "--no-color",
    ] + excluded
    # A schema-valid request may still meet a precondition on state: 412 joins the 404/409 Schemathesis expects.
    config_path = os.path.abspath("schemathesis.toml")
    with open(config_path, "w") as config:
        config.write('[checks.positive_data_acceptance]\nexpected-statuses = [%s]\n'
                     % ", ".join('"%s"' % status for status in POSITIVE_STATUSES))
    command[3:3] = ["--config-file", config_path]
    print("running:", " ".join(c if "Bearer" not in c else "Authorization: Bearer <token>" for c in command[2:]))
    sys.stdout.flush()
    here = os.path.dirname(os.path.abspath(__file__))
    environment = dict(os.environ, SCHEMATHESIS_HOOKS="api_schema_hooks", EMPLOYEES_THROWAWAY_EMP_NO=str(throwaway),
                       PYTHONPATH=os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])))
    return subprocess.run(command, env=environment).returncode == 0


def main():
    version = schemathesis_version()
    if version is None:
        print("SCHEMATHESIS MISSING: `python3 -m schemathesis` is not installed; run `bash .ci/setup`", flush=True)
        return 2
    print("schemathesis", version)
    base = os.environ["EMPLOYEES_BASE_URL"].rstrip("/")
    token = os.environ["EMPLOYEES_ADMIN_TOKEN"]
    throwaway = int(os.environ["EMPLOYEES_THROWAWAY_EMP_NO"])
    document = fetch_document(base)
    authentication_ok = check_authentication(base, document)
    schema_ok = run_schemathesis(base, token, throwaway, document)
    print("authentication probe: %s; schemathesis: %s" % (
        "ok" if authentication_ok else "FAILED", "ok" if schema_ok else "FAILED"))
    return 0 if authentication_ok and schema_ok else 1


if __name__ == "__main__":
    sys.exit(main())
