"""All logging goes through here: one handler, one format switch, one redacting filter.

The identity guard stops personnummer before any code logs; the redacting filter is the
second line of defence for anything that slips into a log record anyway (an exception message,
a library's debug line). Activity text itself is never logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Protocol, TypeVar

from domain.identity_guard import redact

_STANDARD_ATTRS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
# What a log line may say about where it came from: activity id, conversation kind (personal,
# channel, groupChat), case number (SID-YYYY-NNNN), outbox job kind. Never a Patient ID, a name
# or anything a person typed; the keys are fixed so nothing else can be bound by accident.
CONTEXT_KEYS = ("activity_id", "conversation", "case", "job")


class _Numbered(Protocol):
    @property
    def number(self) -> str: ...


CaseT = TypeVar("CaseT", bound=_Numbered)
_CONTEXT: ContextVar[Mapping[str, str]] = ContextVar("sid_log_context", default=MappingProxyType({}))


@contextmanager
def log_context(**fields: str) -> Iterator[None]:
    """Fields added to every log record inside the block (a turn, an outbox item)."""
    token = _CONTEXT.set({**_CONTEXT.get(), **_checked(fields)})
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def bind_case(case: CaseT) -> CaseT:
    """Log lines from here on in this turn or outbox item name the case last read (its number).
    Called by the case repositories, so every handler's lines carry it; returns the case."""
    if case.number:
        _CONTEXT.set({**_CONTEXT.get(), "case": case.number})
    return case


def _checked(fields: dict[str, str]) -> dict[str, str]:
    unknown = set(fields) - set(CONTEXT_KEYS)
    if unknown:
        raise ValueError(f"not a log context key: {sorted(unknown)}")
    return {key: value for key, value in fields.items() if value}


class ContextFilter(logging.Filter):
    """Copies the current log context onto each record (before redaction)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _CONTEXT.get().items():
            setattr(record, key, value)
        return True


class RedactingFilter(logging.Filter):
    """Masks identity numbers in the rendered message and in exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, redacted, so the formatter never sees the raw one.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(record.__dict__.items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        payload.update(
            (k, v) for k, v in record.__dict__.items() if k not in _STANDARD_ATTRS and not k.startswith("_")
        )
        if record.exc_text:
            payload["exc"] = record.exc_text
        return json.dumps(payload, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`make run`'s lines, with the log context at the end: `[case=SID-2026-0001 job=reminder]`."""

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = " ".join(f"{key}={getattr(record, key)}" for key in CONTEXT_KEYS if hasattr(record, key))
        return f"{line} [{context}]" if context else line


def configure_logging(fmt: str = "text", level: str = "INFO") -> None:
    """Replace the root handlers with one redacting handler (idempotent)."""
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # aiohttp's access log would print request lines every turn; keep it to warnings.
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    # msrest warns on every attribute botbuilder's schema lacks ("trigger" in every card refresh
    # Teams sends, "teamsChannelId"...): noise on each admin's view, never actionable.
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
