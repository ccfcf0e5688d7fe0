"""Property-based checks of the running service against its own OpenAPI document.

Run by `SchemathesisTests` (Tests/AppTests) against a live `ServiceHarness` service:
  EMPLOYEES_BASE_URL     http://127.0.0.1:<port>
  EMPLOYEES_ADMIN_TOKEN  an access token of an employee with admin, scope-granting and audit scopes

1. Every operation whose `security` is not empty answers 401 to a request without credentials and to one with
   malformed or forged ones, before looking at the input.
2. Schemathesis generates requests for every operation in the document (so routes added later are covered without
   changing this file) and checks: no 5xx, every status documented, the content type and body as documented, and
   that secured operations do not ignore authentication. Endless streaming responses are left to step 1 and to the
   Swift tests, since a generated request could never finish reading them.
Exit status 0 when everything holds.
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

SCHEMATHESIS = "schemathesis==4.32.5"
STREAMING_MEDIA_TYPES = {"application/x-ndjson", "text/event-stream"}
FORGED_TOKEN = (
    "eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6Im5vLXN1Y2gta2V5In0"
    ".eyJzdWIiOiJlbXBsb3llZToxIiwic2NvcGUiOiJzdXBlcjoqIn0"
    ".c2lnbmF0dXJl"
)


def ensure_schemathesis():
    try:
        import schemathesis  # noqa: F401
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", SCHEMATHESIS], check=True
        )


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


def run_schemathesis(base, token, document):
    excluded = []
    for path, method, operation in operations(document):
        media_types = set()
        for response in operation.get("responses", {}).values():
            media_types.update(response.get("content", {}).keys())
        if media_types & STREAMING_MEDIA_TYPES:
            excluded += ["--exclude-operation-id", operation["operationId"]]
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", base + "/openapi.json",
        "--header", "Authorization: Bearer " + token,
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                    "response_schema_conformance,ignored_auth",
        "--phases", "examples,coverage,fuzzing",
        "--max-examples", os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"),
        "--seed", "20240501",
        "--workers", "1",
        "--request-timeout", "10",
        "--suppress-health-check", "all",
        "--generation-database", "none",
        "--no-color",
    ] + excluded
    print("running:", " ".join(c if "Bearer" not in c else "Authorization: Bearer <token>" for c in command[2:]))
    sys.stdout.flush()
    return subprocess.run(command).returncode == 0


def main():
    base = os.environ["EMPLOYEES_BASE_URL"].rstrip("/")
    token = os.environ["EMPLOYEES_ADMIN_TOKEN"]
    ensure_schemathesis()
    document = fetch_document(base)
    authentication_ok = check_authentication(base, document)
    schema_ok = run_schemathesis(base, token, document)
    print("authentication probe: %s; schemathesis: %s" % (
        "ok" if authentication_ok else "FAILED", "ok" if schema_ok else "FAILED"))
    return 0 if authentication_ok and schema_ok else 1


if __name__ == "__main__":
    sys.exit(main())
