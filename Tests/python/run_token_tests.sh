#!/usr/bin/env bash
# Runs test_tokens.py against a running service (see Tests/AppTests/PythonTokenTests.swift, which starts it and
# sets EMPLOYEES_TEST_* in the environment). Installs the independent verifiers first if they are missing.
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONDONTWRITEBYTECODE=1
if ! python3 -c "import jwt, cryptography, oauthlib, requests" 2>/dev/null; then
  python3 -m pip install -q --disable-pip-version-check PyJWT cryptography oauthlib requests
fi
exec python3 test_tokens.py
