"""Independent verifiers for the service's tokens: PyJWT, cryptography and oauthlib, over HTTP.

Started by Tests/AppTests/PythonTokenTests.swift against a running service. Environment:
  EMPLOYEES_TEST_PORT      the service's port on 127.0.0.1
  EMPLOYEES_TEST_MODE      "eddsa" (the default key set) or "hs256" (the service runs with a shared secret)
  EMPLOYEES_TEST_USERNAME, EMPLOYEES_TEST_PASSWORD, EMPLOYEES_TEST_EMP_NO   an employee holding user:read
  EMPLOYEES_TEST_TOKENS_NOT_BEFORE   the earliest `iat` the service accepts for that employee (the second after
                                     its password was set: tokens issued in that second are revoked by design)
  EMPLOYEES_TEST_HS256_SECRET   in hs256 mode, the service's secret
Exit status 0 when every test passes.
"""

import base64
import hashlib
import hmac
import json
import os
import sys
import time
import unittest
import uuid

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from oauthlib.oauth2 import LegacyApplicationClient
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError
from oauthlib.oauth2.rfc6749.parameters import parse_token_response

BASE = f"http://127.0.0.1:{os.environ['EMPLOYEES_TEST_PORT']}"
USERNAME = os.environ["EMPLOYEES_TEST_USERNAME"]
PASSWORD = os.environ["EMPLOYEES_TEST_PASSWORD"]
EMP_NO = int(os.environ["EMPLOYEES_TEST_EMP_NO"])
TOKENS_NOT_BEFORE = int(os.environ.get("EMPLOYEES_TEST_TOKENS_NOT_BEFORE", "0"))
ISSUER = "employees"
AUDIENCE = "employees-api"
TIMEOUT = 30


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**overrides):
    now = max(int(time.time()), TOKENS_NOT_BEFORE)
    base = {
        "iss": ISSUER, "sub": f"employee:{EMP_NO}", "aud": AUDIENCE, "emp_no": EMP_NO, "client_id": "python",
        "scope": "user:read", "iat": now, "exp": now + 300, "jti": str(uuid.uuid4()),
    }
    base.update(overrides)
    return base


def login(scope="user:read", password=PASSWORD):
    """A password grant as oauthlib's legacy-application client formats it."""
    body = LegacyApplicationClient(client_id="python").prepare_request_body(
        username=USERNAME, password=password, scope=[scope], include_client_id=True)
    return requests.post(
        f"{BASE}/auth/token", data=body, timeout=TIMEOUT,
        headers={"Content-Type": "application/x-www-form-urlencoded"})


def me(token):
    return requests.get(f"{BASE}/me", headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)


def sign_manually(header: dict, payload: dict, key: bytes | None) -> str:
    """A compact JWS built by hand, so that any header (alg none in any casing, HS256 with a public key) is possible."""
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    signature = b"" if key is None else hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


class Common:
    def assertRefused(self, token, label):
        response = me(token)
        self.assertEqual(response.status_code, 401, f"{label}: {response.text}")
        self.assertIn('error="invalid_token"', response.headers.get("WWW-Authenticate", ""), label)

    def test_token_response_is_what_oauthlib_expects(self):
        response = login()
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertEqual(response.headers["Pragma"], "no-cache")
        token = parse_token_response(response.text, scope="user:read")
        self.assertEqual(token["token_type"].lower(), "bearer")
        self.assertEqual(token["scope"], ["user:read"])
        self.assertGreater(token["expires_in"], 0)
        self.assertIn("refresh_token", token)
        self.assertEqual(me(token["access_token"]).status_code, 200)

    def test_error_response_is_what_oauthlib_expects(self):
        response = login(password="certainly not the password")
        self.assertEqual(response.status_code, 400)
        with self.assertRaises(InvalidGrantError) as raised:
            parse_token_response(response.text)
        self.assertEqual(raised.exception.description, "Incorrect username or password")

    def test_refresh_rotation_through_oauthlib(self):
        first = parse_token_response(login().text, scope="user:read")
        body = LegacyApplicationClient(client_id="python").prepare_refresh_body(refresh_token=first["refresh_token"])
        response = requests.post(
            f"{BASE}/auth/token", data=body, timeout=TIMEOUT, headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(response.status_code, 200, response.text)
        second = parse_token_response(response.text, scope="user:read")
        self.assertNotEqual(second["refresh_token"], first["refresh_token"])
        reuse = requests.post(
            f"{BASE}/auth/token", data=body, timeout=TIMEOUT, headers={"Content-Type": "application/x-www-form-urlencoded"})
        with self.assertRaises(InvalidGrantError):
            parse_token_response(reuse.text)

    def test_unsigned_tokens_are_refused(self):
        kid = jwt.get_unverified_header(parse_token_response(login().text, scope="user:read")["access_token"])["kid"]
        self.assertRefused(jwt.encode(claims(), None, algorithm="none", headers={"typ": "at+jwt", "kid": kid}), "PyJWT alg none")
        for alg in ("none", "None", "NONE", "nOnE"):
            self.assertRefused(sign_manually({"alg": alg, "typ": "at+jwt", "kid": kid}, claims(), None), f"alg {alg}")

    def test_tokens_signed_with_an_unknown_key_are_refused(self):
        ours = jwt.get_unverified_header(parse_token_response(login().text, scope="user:read")["access_token"])["kid"]
        stranger = Ed25519PrivateKey.generate()
        for kid in (ours, "stranger"):
            token = jwt.encode(claims(), stranger, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": kid})
            self.assertRefused(token, f"unknown Ed25519 key, kid {kid}")
        foreign_secret = os.urandom(32)
        token = jwt.encode(claims(), foreign_secret, algorithm="HS256", headers={"typ": "at+jwt", "kid": ours})
        self.assertRefused(token, "HS256 with a secret we do not hold")


class EdDSATokens(Common, unittest.TestCase):
    def test_our_token_verifies_with_pyjwt_against_our_jwks(self):
        access = parse_token_response(login().text, scope="user:read")["access_token"]
        header = jwt.get_unverified_header(access)
        self.assertEqual(header["alg"], "EdDSA")
        self.assertEqual(header["typ"], "at+jwt")
        jwks = jwt.PyJWKClient(f"{BASE}/.well-known/jwks.json")
        key = jwks.get_signing_key_from_jwt(access)
        # Leeway: a token issued in the second of a password change is stamped with the next second (see
        # PrincipalTable in docs/ARCHITECTURE.md), and this employee's password was set a moment ago.
        decoded = jwt.decode(
            access, key.key, algorithms=["EdDSA"], audience=AUDIENCE, issuer=ISSUER, leeway=2,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]})
        self.assertEqual(decoded["sub"], f"employee:{EMP_NO}")
        self.assertEqual(decoded["emp_no"], EMP_NO)
        self.assertEqual(decoded["scope"], "user:read")
        self.assertEqual(decoded["client_id"], "python")
        for member in jwks.get_jwk_set().keys:
            self.assertNotIn("d", member._jwk_data, "no private member is published")

    def test_hs256_keyed_with_our_public_key_is_refused(self):
        access = parse_token_response(login().text, scope="user:read")["access_token"]
        kid = jwt.get_unverified_header(access)["kid"]
        published = requests.get(f"{BASE}/.well-known/jwks.json", timeout=TIMEOUT).json()["keys"][0]
        x = published["x"]
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        pem = jwt.PyJWK(published).key.public_bytes(encoding=Encoding.PEM, format=PublicFormat.SubjectPublicKeyInfo)
        for name, secret in (("raw public key", raw), ("x text", x.encode()), ("PEM", pem)):
            token = sign_manually({"alg": "HS256", "typ": "at+jwt", "kid": kid}, claims(), secret)
            self.assertRefused(token, f"HS256 keyed with the {name}")


class HS256Tokens(Common, unittest.TestCase):
    secret = os.environ.get("EMPLOYEES_TEST_HS256_SECRET", "").encode()

    @property
    def kid(self):
        # RFC 7638 thumbprint of the symmetric JWK: the required members k and kty, in lexicographic order.
        return b64url(hashlib.sha256(json.dumps({"k": b64url(self.secret), "kty": "oct"}, separators=(",", ":")).encode()).digest())

    def test_a_token_minted_here_with_the_shared_secret_is_accepted(self):
        token = jwt.encode(claims(), self.secret, algorithm="HS256", headers={"typ": "at+jwt", "kid": self.kid})
        response = me(token)
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["employee"]["emp_no"], EMP_NO)

    def test_our_hs256_token_verifies_with_pyjwt(self):
        access = parse_token_response(login().text, scope="user:read")["access_token"]
        self.assertEqual(jwt.get_unverified_header(access)["kid"], self.kid)
        decoded = jwt.decode(access, self.secret, algorithms=["HS256"], audience=AUDIENCE, issuer=ISSUER, leeway=2)
        self.assertEqual(decoded["emp_no"], EMP_NO)

    def test_minted_tokens_with_wrong_claims_are_refused(self):
        headers = {"typ": "at+jwt", "kid": self.kid}
        for label, payload, extra in (
            ("wrong issuer", claims(iss="someone-else"), {}),
            ("wrong audience", claims(aud="another-api"), {}),
            ("expired", claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), {}),
            ("scope as an array", claims(scope=["user:read"]), {}),
            ("typ JWT", claims(), {"typ": "JWT"}),
        ):
            self.assertRefused(jwt.encode(payload, self.secret, algorithm="HS256", headers={**headers, **extra}), label)


if __name__ == "__main__":
    mode = os.environ.get("EMPLOYEES_TEST_MODE", "eddsa")
    suite = unittest.TestLoader().loadTestsFromTestCase(HS256Tokens if mode == "hs256" else EdDSATokens)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
