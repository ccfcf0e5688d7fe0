"""Schemathesis hooks for `api_schema_check.py`: keep generated requests within the rules the OpenAPI document
states only in prose (JSON Schema cannot state them), and undo two generator quirks. No finding is filtered: a
request these hooks adjust is still checked in full. Every adjustment is idempotent, since a case may be sent again.

- The account-changing operations (password, disable, enable, scope grant and revoke) aimed at the caller's own
  account (`EMPLOYEES_CALLER_EMP_NO`) act on the throw-away employee `EMPLOYEES_THROWAWAY_EMP_NO` instead, so the run
  cannot lock out the account whose token it uses; every other number is left as generated.
- A password must not be common, repetitive, sequential, or hold a name or the email's local part (a blocklist):
  a password of valid length is replaced with one derived from the request, of the same documented kind.
- The hire date must follow the birth date (the record's, when a PATCH changes one of the two): each field's schema
  states the bounds it can (see `OpenAPISchemas.DateBounds`); valid dates are put in order here.
- An Idempotency-Key names one request; one reused for another request is refused (422) by design, so each
  distinct request gets its own key (derived from the request, so a resend is the same request).
- Schemathesis takes `%XX` in a path parameter as already encoded; the search's `%` wildcards are literal, so each
  lone `%` is sent encoded (`%25`), which is what the document means (it allows no `%XX` in those values).
- A valid case whose If-Match breaks the documented pattern (the generator sends an empty one) is sent without it.
"""

import datetime
import hashlib
import json
import os
import re

import schemathesis

ACCOUNT_OPERATIONS = {"changePassword", "disableEmployee", "enableEmployee", "revokeScope", "grantScopes"}
LITERAL_PERCENT_PARAMETERS = ("last_name", "first_name")
PASSWORD_FIELDS = ("password", "new_password")
DATE_FIELDS = [("birth_date", "hire_date"), ("birthDate", "hireDate")]
EARLIEST_BIRTH_DATE = "1900-01-01"
IF_MATCH = re.compile(r'\A(\*|"[0-9]{1,18}")\Z')
DERIVED_PASSWORD = re.compile(r"\Ast-[0-9a-f]{32}\Z")


# A `%` that does not start an escape. The document allows no `%` followed by two hex digits in these values, so
# every `%` a valid value holds is a literal wildcard; Schemathesis sends a lone `%` as it is and leaves `%XX` for
# escapes (its own, like `%2C`), so encoding only lone ones is right and idempotent (the coverage phase reuses
# one parameters object across cases).
LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _is_positive(case):
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode.is_positive


def _digest(*parts):
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def _is_iso_date(value):
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        datetime.date.fromisoformat(value)
        return True
    except ValueError:
        return False


def _order_dates(body, birth, hire, partial):
    birth_value, hire_value = body.get(birth), body.get(hire)
    if _is_iso_date(birth_value) and _is_iso_date(hire_value):
        if hire_value < birth_value:
            body[birth], body[hire] = hire_value, birth_value
        elif hire_value == birth_value:
            body[birth] = EARLIEST_BIRTH_DATE
    elif partial and _is_iso_date(hire_value) and birth_value is None:
        body[birth] = EARLIEST_BIRTH_DATE
    elif partial and _is_iso_date(birth_value) and hire_value is None:
        body[hire] = (datetime.date.fromisoformat(birth_value) + datetime.timedelta(days=1)).isoformat()


@schemathesis.hook
def before_call(context, case, kwargs):
    operation_id = case.operation.definition.raw.get("operationId")
    parameters = case.path_parameters if case.path_parameters is not None else {}
    emp_no = parameters.get("emp_no")
    if operation_id in ACCOUNT_OPERATIONS and emp_no is not None and str(emp_no) == os.environ["EMPLOYEES_CALLER_EMP_NO"]:
        # Only the caller's own account is moved: any other number keeps whatever makes the case valid or not.
        target = os.environ["EMPLOYEES_THROWAWAY_EMP_NO"]
        parameters["emp_no"] = target if isinstance(emp_no, str) else int(target)
    for name in LITERAL_PERCENT_PARAMETERS:
        value = parameters.get(name)
        if isinstance(value, str):
            parameters[name] = LONE_PERCENT.sub("%25", value)

    body = case.body
    if isinstance(body, dict):
        for field in PASSWORD_FIELDS:
            value = body.get(field)
            if isinstance(value, str) and 15 <= len(value) <= 256 and not DERIVED_PASSWORD.match(value):
                body[field] = "st-" + _digest(case.method, case.path, field, value)[:32]
        for birth, hire in DATE_FIELDS:
            _order_dates(body, birth, hire, partial=case.method.upper() == "PATCH")

    headers = case.headers
    if headers is None:
        return
    if _is_positive(case) and "If-Match" in headers and not IF_MATCH.match(str(headers["If-Match"])):
        del headers["If-Match"]
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and re.fullmatch(r"[!-~]{1,255}", key):
        base = key.split("~")[0][:180]
        request = _digest(case.method, case.formatted_path, body, {k: v for k, v in headers.items() if k != "Idempotency-Key"})
        headers["Idempotency-Key"] = base + "~" + request[:32]
