#!/usr/bin/env python3
"""An independent verifier of an `employees` log export, written from docs/LOG-EVIDENCE.md alone.

It shares no code with the service: Python's standard library (json, hashlib) plus `cryptography` for Ed25519.
Usage: verify_log_export.py EXPORT --keys log-keys.json [--against OLDER]
Exit status 0 when the export verifies, 1 when it does not (the first problem is printed as
"FAILED: position N: reason" or "FAILED: reason"), 2 for a usage error.
"""
import argparse
import base64
import datetime
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
ZERO_HASH = bytes(32)
CHECKPOINT_TAG = b"employees-log-checkpoint/1"


class Failed(Exception):
    def __init__(self, reason, position=None):
        super().__init__(reason)
        self.reason = reason
        self.position = position


def length_prefixed(part: bytes) -> bytes:
    return len(part).to_bytes(4, "big") + part


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def microseconds(text: str) -> int:
    moment = datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    delta = moment - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def load_keys(path):
    with open(path, "rb") as handle:
        document = json.load(handle)
    keys = {}
    for entry in document["keys"]:
        if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
            raise ValueError("not an Ed25519 key")
        until = entry.get("valid_until")
        keys[entry["kid"]] = (
            Ed25519PublicKey.from_public_bytes(b64url(entry["x"])),
            microseconds(entry["valid_from"]),
            None if until is None else microseconds(until),
        )
    return keys


def integer(record, name):
    value = record.get(name)
    if type(value) is not int:
        raise Failed(f'"{name}" must be an integer')
    return value


def text(record, name):
    value = record.get(name)
    if type(value) is not str:
        raise Failed(f'"{name}" must be a string')
    return value.encode("utf-8")


def hex_hash(record, name):
    value = record.get(name)
    if type(value) is not str or len(value) != 64 or value != value.lower():
        raise Failed(f'"{name}" must be 64 lowercase hex digits')
    return bytes.fromhex(value)


def event_hash(event):
    """SHA-256(previous_hash || the nine length-prefixed parts), per "Recomputing an event's hash"."""
    parts = [
        str(integer(event, "position")).encode(),
        text(event, "stream_id"),
        str(integer(event, "stream_version")).encode(),
        text(event, "event_id"),
        text(event, "event_type"),
        str(integer(event, "schema_version")).encode(),
        text(event, "data_text"),
        text(event, "metadata_text"),
        str(integer(event, "recorded_at_us")).encode(),
    ]
    return hashlib.sha256(hex_hash(event, "previous_hash") + b"".join(length_prefixed(part) for part in parts)).digest()


def checkpoint_payload(checkpoint):
    parts = [
        CHECKPOINT_TAG,
        str(integer(checkpoint, "position")).encode(),
        hex_hash(checkpoint, "hash").hex().encode(),
        str(integer(checkpoint, "recorded_at_us")).encode(),
        str(integer(checkpoint, "signed_at_us")).encode(),
    ]
    return b"".join(length_prefixed(part) for part in parts)


def check_signature(checkpoint, keys):
    position = integer(checkpoint, "position")
    key_id = checkpoint.get("key_id")
    if key_id not in keys:
        raise Failed(f"checkpoint signed by unknown key {key_id}", position)
    public_key, valid_from, valid_until = keys[key_id]
    try:
        signature = b64url(checkpoint["signature"])
        public_key.verify(signature, checkpoint_payload(checkpoint))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        raise Failed("checkpoint signature is not valid", position)
    signed_at = integer(checkpoint, "signed_at_us")
    if signed_at < valid_from or (valid_until is not None and signed_at > valid_until):
        raise Failed("checkpoint signed outside its key's validity", position)


def verify(path, keys, older_anchors):
    """Returns (last event position and hash or None, checkpoints) or raises Failed."""
    events, checkpoints = [], []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            raw = raw.rstrip(b"\n")
            try:
                record = json.loads(raw)
            except ValueError:
                raise Failed(f"line {number} is not JSON")
            if not isinstance(record, dict):
                raise Failed(f"line {number} is not an object")
            if record.get("record") == "event":
                if checkpoints:
                    raise Failed(f"line {number}: an event after the checkpoints")
                events.append(record)
            elif record.get("record") == "checkpoint":
                checkpoints.append(record)
            else:
                raise Failed(f"line {number}: unknown record")

    anchors = dict(older_anchors)
    for checkpoint in checkpoints:
        check_signature(checkpoint, keys)
        position = integer(checkpoint, "position")
        signed = (hex_hash(checkpoint, "hash"), integer(checkpoint, "recorded_at_us"))
        if position in anchors and anchors[position][0] != signed[0]:
            raise Failed("a checkpoint disagrees with the older evidence", position)
        anchors[position] = signed

    previous = None
    for event in events:
        position = integer(event, "position")
        previous_hash = hex_hash(event, "previous_hash")
        if previous is None:
            if position < 1:
                raise Failed("positions start at 1", position)
            if position == 1 and previous_hash != ZERO_HASH:
                raise Failed("the first event's previous_hash must be zero", position)
        else:
            if position != previous[0] + 1:
                raise Failed(f"position {previous[0] + 1} is missing", position)
            if previous_hash != previous[1]:
                raise Failed("previous_hash does not link to the event before", position)
        stored = hex_hash(event, "hash")
        if event_hash(event) != stored:
            raise Failed("the content does not match its hash", position)
        if position in anchors:
            signed_hash, signed_recorded_at = anchors[position]
            if signed_hash != stored:
                raise Failed("the recomputed hash disagrees with signed or older evidence", position)
            if signed_recorded_at is not None and signed_recorded_at != integer(event, "recorded_at_us"):
                raise Failed("recorded_at_us disagrees with signed evidence", position)
        previous = (position, stored)

    # A file of checkpoints only vouches for positions it does not contain; an export must contain them all.
    last = previous[0] if previous else 0
    binding = anchors if events else older_anchors
    beyond = sorted(position for position in binding if position > last)
    if beyond:
        raise Failed(f"evidence vouches for position {beyond[0]} but the log ends at {last}: truncated", beyond[0])
    return previous, checkpoints


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("export")
    parser.add_argument("--keys", required=True)
    parser.add_argument("--against")
    arguments = parser.parse_args()
    keys = load_keys(arguments.keys)
    try:
        older = {}
        if arguments.against:
            head, older_checkpoints = verify(arguments.against, keys, {})
            if head is not None:
                older[head[0]] = (head[1], None)
            for checkpoint in older_checkpoints:
                older[checkpoint["position"]] = (bytes.fromhex(checkpoint["hash"]), checkpoint["recorded_at_us"])
        head, checkpoints = verify(arguments.export, keys, older)
    except Failed as failure:
        where = f"position {failure.position}: " if failure.position is not None else ""
        print(f"FAILED: {where}{failure.reason}")
        return 1
    if head is None:
        print("OK: no events")
    else:
        print(f"OK: head position {head[0]} hash {head[1].hex()}, {len(checkpoints)} checkpoints verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
