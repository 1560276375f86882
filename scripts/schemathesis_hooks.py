"""Schemathesis hooks for scripts/schemathesis.sh: the few API rules that JSON Schema cannot
state, so a generated request that breaks one of them is not sent as "schema-valid".

Each rule below is enforced by the server (422 or 400 naming the field) and tested in the Rust
suites; the OpenAPI document describes it in prose. Everything else the validation enforces is
in the schema itself, so schemathesis checks it both ways.
"""

import datetime

import schemathesis

PASSWORD_FIELDS = ("password", "new_password")


def _date(text):
    try:
        return datetime.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _weak_password(body):
    """A password needs at least 4 different characters (`domain::password::check_strength`)."""
    return any(
        isinstance(body.get(field), str) and len(set(body[field].lower())) < 4
        for field in PASSWORD_FIELDS
    )


def _exception_ends_before_it_starts(body):
    """A schedule exception's `end_date` is not before its `start_date`."""
    for exception in body.get("exceptions") or []:
        if isinstance(exception, dict):
            start, end = _date(exception.get("start_date")), _date(exception.get("end_date"))
            if start and end and end < start:
                return True
    return False


def _repeated_keys(body):
    """Each option of an IVR menu has its own keys (after trimming)."""
    options = [o for o in body.get("options") or [] if isinstance(o, dict)]
    keys = [o["digits"].strip() for o in options if isinstance(o.get("digits"), str)]
    return len(keys) != len(set(keys))


def _call_log_period(case):
    """`from` must come before `to`, and statistics cover a bounded span (hours or days)."""
    query = case.query or {}
    if case.path == "/api/v1/call-logs/stats":
        return "from" in query or "to" in query
    if case.path.startswith("/api/v1/call-logs"):
        return "from" in query and "to" in query
    return False


def _uploaded_audio(case):
    """An uploaded recording must be WAV or MP3 audio, read from its bytes (tests/api/recordings.rs
    covers uploads); a schema can only say "binary", so a generated file is never valid audio."""
    return case.path == "/api/v1/recordings" and case.method.upper() == "POST"


@schemathesis.hook
def filter_case(context, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return True
    body = case.body if isinstance(case.body, dict) else {}
    return not (
        _weak_password(body)
        or _exception_ends_before_it_starts(body)
        or _repeated_keys(body)
        or _call_log_period(case)
        or _uploaded_audio(case)
    )
