"""Schemathesis hooks for `api_schema_check.py`: keep generated *valid* requests within the rules the OpenAPI
document states only in prose, because JSON Schema cannot state them. Nothing else is changed, and no finding is
filtered: a request these hooks repair is still checked in full.

- A password must not be common, repetitive, sequential, or hold a name or the email's local part (a blocklist):
  a schema-valid generated password is replaced with a fresh random one of the same documented kind.
- The hire date must follow the birth date (the record's, when a PATCH changes one of the two): one field's schema
  states the bounds that it can (see `OpenAPISchemas.DateBounds`); the pair is put in order here.
- An Idempotency-Key names one request: a key reused for another request is refused (422) by design, so each
  request gets its own valid key.
"""

import datetime
import itertools
import secrets

import schemathesis

PASSWORD_FIELDS = ("password", "new_password")
DATE_FIELDS = [("birth_date", "hire_date"), ("birthDate", "hireDate")]
EARLIEST_BIRTH_DATE = "1900-01-01"
_counter = itertools.count(1)


def _is_positive(case):
    meta = getattr(case, "meta", None)
    return meta is not None and meta.generation.mode.is_positive


def _is_iso_date(value):
    try:
        datetime.date.fromisoformat(value)
        return isinstance(value, str) and len(value) == 10
    except (TypeError, ValueError):
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
        day = datetime.date.fromisoformat(birth_value) + datetime.timedelta(days=1)
        body[hire] = day.isoformat()


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and 1 <= len(key) <= 200 and all(33 <= ord(c) <= 126 for c in key):
        headers["Idempotency-Key"] = "%s-%d" % (key, next(_counter))
    if not _is_positive(case) or not isinstance(case.body, dict):
        return
    body = case.body
    for field in PASSWORD_FIELDS:
        if isinstance(body.get(field), str):
            body[field] = "st-" + secrets.token_hex(16)
    for birth, hire in DATE_FIELDS:
        _order_dates(body, birth, hire, partial=case.method.upper() == "PATCH")
