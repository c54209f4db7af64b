"""The redacting filter: the second line of defence behind the identity guard."""

from __future__ import annotations

import io
import json
import logging

import pytest

from adapters.logging_setup import JsonFormatter, RedactingFilter, configure_logging
from tests.support.numbers import personnummer

NUMBER = personnummer("121212", "121")


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_numbers_in_messages_args_extras_and_tracebacks_are_masked(captured):
    logger, stream = captured
    logger.info("payload %s", f"pnr {NUMBER}", extra={"field": f"x {NUMBER}"})
    try:
        raise ValueError(f"bad value {NUMBER}")
    except ValueError:
        logger.exception("failed")
    text = stream.getvalue()
    assert NUMBER not in text and NUMBER.replace("-", "") not in text
    first, second = lines(stream)
    assert "[personnummer borttaget]" in first["msg"] and "[personnummer borttaget]" in first["field"]
    assert "ValueError" in second["exc"]


def test_json_lines_carry_level_logger_and_time(captured):
    logger, stream = captured
    logger.warning("hello %s", "world")
    (line,) = lines(stream)
    assert line["level"] == "WARNING" and line["logger"] == "test.redaction" and line["msg"] == "hello world"
    assert line["ts"].endswith("+00:00")


def test_configure_logging_installs_one_redacting_handler():
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        configure_logging("json", "INFO")
        configure_logging("text", "INFO")  # idempotent: still one handler
        assert len(root.handlers) == 1
        assert any(isinstance(f, RedactingFilter) for f in root.handlers[0].filters)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in before[0]:
            root.addHandler(handler)
        root.setLevel(before[1])


@pytest.mark.parametrize(
    "written",
    [
        "12-12-12-" + NUMBER[-4:],  # date parts apart
        NUMBER.replace("-", "."),
        NUMBER.replace("-", "_"),
        NUMBER[:4] + " " + NUMBER[4:6] + " " + NUMBER[-4:],
        NUMBER.replace("-", "")[:8] + " " + NUMBER[-2:],  # a split serial
    ],
)
def test_the_filter_uses_the_guard_s_detector_with_every_separator_family(captured, written):
    logger, stream = captured
    logger.warning("display name %s", f"Anna {written}")
    assert written not in stream.getvalue()
    assert "[personnummer borttaget]" in lines(stream)[0]["msg"]
