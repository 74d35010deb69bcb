"""The access line written straight to the log's stream is, byte for byte, the line logging's
record and handler chain would write; and whatever else a deployment sets up (its own
handlers, filters, levels, a file) still gets the record."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import aio
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smtp import free_port
from starlette.types import Receive, Scope, Send
from start_line import SAFEPLACES

from api.logging import (
    HeldLines,
    JsonLines,
    PlainLines,
    PrivateAccessLog,
    access_log,
    logging_config,
    request_id,
)
from api.settings import Settings

_ROUTES = st.one_of(
    st.sampled_from(["/api/v1/places/nearest", "/ogc/collections/{collectionId}", "<no route>"]),
    st.text(max_size=30),  # a mounted app's path: anything, quotes and accents included
)
_MS = st.one_of(
    st.floats(min_value=0, max_value=1e7, allow_nan=False),
    st.sampled_from([0.0, 0.05, 0.15, 0.25, 1.25, 999.95, 1e-9]),
)
# Moments around the second's edges and years apart (local time for the plain lines).
_MOMENTS = st.one_of(
    st.floats(min_value=0, max_value=4e9, allow_nan=False),
    st.integers(0, 4_000_000_000).map(lambda s: s + 0.9995),
    st.integers(0, 4_000_000_000).map(lambda s: s + 0.0005),
)


def _recorded(
    moment: float, method: str, route: str, status: int, ms: float, json_fields: bool
) -> tuple[logging.LogRecord, dict[str, object] | None]:
    """The record the middleware makes for this line, made by logging at `moment`."""
    fields = {"method": method, "route": route, "status": status, "ms": ms} if json_fields else None
    with mock.patch.object(time, "time", return_value=moment):  # logging's own clock read
        record = PrivateAccessLog._record(method, route, status, ms, fields)
    assert record.created == moment
    return record, fields


@settings(max_examples=400, deadline=None)
@given(
    moment=_MOMENTS,
    method=st.sampled_from(["GET", "HEAD", "POST", "DELETE", "PROPFIND"]),
    route=_ROUTES,
    status=st.integers(100, 599),
    ms=_MS,
    rid=st.sampled_from(["", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "ab-cd-0123456789abcdef"]),
)
def test_the_direct_line_is_the_records_line(
    moment: float, method: str, route: str, status: int, ms: float, rid: str
) -> None:
    message = f"{method} {route} {status:d} {ms:.1f}ms"
    token = request_id.set(rid)
    try:
        for formatter in (PlainLines(), JsonLines()):
            for json_fields in (False, True):
                record, fields = _recorded(moment, method, route, status, ms, json_fields)
                assert record.getMessage() == message
                direct = formatter.access_line(record.created, message, fields)
                assert direct == formatter.format(record)
                # And again in the same second, from the kept text of the second.
                assert formatter.access_line(record.created, message, fields) == direct
    finally:
        request_id.reset(token)


async def _answer(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def _request(json_fields: bool, rid: str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0") -> None:
    """One request through the middleware, with a proxy's request id."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/api/v1/places/nearest",
        "query_string": b"postcode=DE4+3AG",
        "headers": [(b"x-request-id", rid.encode())],
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: object) -> None:
        pass

    aio.run(PrivateAccessLog(_answer, json_fields=json_fields)(scope, receive, send))


@pytest.fixture
def configured() -> Iterator[None]:
    """Room for the service's own logging set-up; the loggers it sets as they were afterwards."""
    loggers = [logging.getLogger(name) for name in logging_config()["loggers"]]
    loggers.append(logging.getLogger())
    kept = [(lg, lg.level, lg.propagate, lg.disabled, list(lg.handlers)) for lg in loggers]
    yield
    for logger, level, propagate, disabled, handlers in kept:
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled
        logger.handlers[:] = handlers


class _Counted:
    """Counts the records logging makes (logging's own hook for making them)."""

    def __init__(self) -> None:
        self.made = 0
        self.factory = logging.getLogRecordFactory()

    def __call__(self, *args: object, **kwargs: object) -> logging.LogRecord:
        self.made += 1
        return self.factory(*args, **kwargs)


_STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
_PLAIN = rf"{_STAMP} INFO safeplaces.access: GET <no route> 200 \d+\.\dms"


def _lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_the_configured_stream_gets_the_same_line_without_a_record(
    configured: None, log_format: str
) -> None:
    logging.config.dictConfig(logging_config("info", log_format))
    (handler,) = logging.getLogger("safeplaces").handlers
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    handler.setStream(stream)
    counted = _Counted()
    logging.setLogRecordFactory(counted)
    try:
        _request(log_format == "json")
        assert counted.made == 0  # written directly
        handler.addFilter(lambda record: True)  # a filter needs the record: logging writes it
        _request(log_format == "json")
        assert counted.made == 1
    finally:
        logging.setLogRecordFactory(counted.factory)
    direct, recorded = _lines(stream)
    if log_format == "json":
        a, b = json.loads(direct), json.loads(recorded)
        assert (
            list(a)
            == list(b)
            == [
                *("time", "level", "logger", "message", "request_id"),
                *("method", "route", "status", "ms"),
            ]
        )
        assert a["request_id"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
        assert a["message"].startswith("GET <no route> 200 ")
        del a["time"], a["ms"], a["message"], b["time"], b["ms"], b["message"]
        assert a == b
    else:
        assert re.fullmatch(_PLAIN, direct) and re.fullmatch(_PLAIN, recorded)
    assert "DE4" not in stream.getvalue()


def test_levels_propagation_and_files_are_honoured(configured: None, tmp_path: Path) -> None:
    logging.config.dictConfig(logging_config("info", "plain"))
    (handler,) = logging.getLogger("safeplaces").handlers
    assert isinstance(handler, logging.StreamHandler)
    ours = io.StringIO()
    handler.setStream(ours)
    handler.setLevel(logging.WARNING)  # this handler takes warnings only
    _request(False)
    assert ours.getvalue() == ""
    handler.setLevel(logging.NOTSET)
    # A file on the access logger itself, as a deployment might add: it gets the line too,
    # and the service's handler above it still does.
    parent = access_log
    written = logging.FileHandler(tmp_path / "access.log", encoding="utf-8")
    written.setFormatter(JsonLines())
    later = logging.FileHandler(tmp_path / "later.log", encoding="utf-8", delay=True)
    later.setFormatter(PlainLines())
    parent.addHandler(written)
    try:
        _request(True)
        parent.addHandler(later)  # opened on its first line: logging's own emit opens it
        _request(True)
    finally:
        for added in (written, later):
            parent.removeHandler(added)
            added.close()
    assert len(_lines(ours)) == 2
    files = (tmp_path / "access.log").read_text().splitlines()
    assert [json.loads(line)["route"] for line in files] == ["<no route>"] * 2
    (opened,) = (tmp_path / "later.log").read_text().splitlines()
    assert re.fullmatch(_PLAIN, opened) and all(re.fullmatch(_PLAIN, x) for x in _lines(ours))
    access_log.setLevel(logging.WARNING)  # the logger's level: no line at all
    _request(False)
    assert len(_lines(ours)) == 2


def test_held_lines_keep_their_place_and_leave_on_time(configured: None, tmp_path: Path) -> None:
    """A file's access lines wait in its stream's buffer: another record written meanwhile
    sends them first, in order; the timer sends the rest; and a flush sends them at once."""
    logging.config.dictConfig(logging_config("info", "plain"))
    (handler,) = logging.getLogger("safeplaces").handlers
    assert isinstance(handler, logging.StreamHandler)
    path = tmp_path / "server.log"
    with path.open("w", encoding="utf-8") as stream:
        handler.setStream(stream)
        held = HeldLines(interval=0.05)
        with mock.patch("api.logging.lines", held):
            _request(False)
            assert path.read_text() == ""  # held, not yet written
            logging.getLogger("safeplaces").warning("a warning after it")
            _request(False)
            written = path.read_text().splitlines()
            assert len(written) == 2 and re.fullmatch(_PLAIN, written[0])
            assert written[1].endswith("WARNING safeplaces: a warning after it")
            deadline = time.monotonic() + 10
            while len(path.read_text().splitlines()) < 3:  # the timer's flush
                assert time.monotonic() < deadline, "the held line was never written"
                time.sleep(0.01)
            _request(False)
            held.flush()  # as at shutdown
            assert [re.fullmatch(_PLAIN, x) is not None for x in _lines_of(path)] == [
                True, False, True, True
            ]  # fmt: skip


def test_held_lines_wait_where_stderr_writes_straight_through(
    configured: None, tmp_path: Path
) -> None:
    """Under `python -u` (PYTHONUNBUFFERED) stderr has no buffer: the handler gets a
    buffered stream of its own on stderr's file, where the access lines wait as they do in
    a buffered stderr, and every other record still goes out at once, after them."""
    path = tmp_path / "stderr.log"
    with path.open("wb", buffering=0) as raw:
        unbuffered = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
        with mock.patch("sys.stderr", unbuffered):
            logging.config.dictConfig(logging_config("info", "plain"))
        (handler,) = logging.getLogger("safeplaces").handlers
        assert isinstance(handler, logging.StreamHandler)
        assert handler.stream is not unbuffered and handler.stream.errors == unbuffered.errors
        held = HeldLines(interval=3600)  # only the warning or a flush sends them
        with mock.patch("api.logging.lines", held):
            _request(False)
            _request(False)
            assert path.read_text() == ""
            logging.getLogger("safeplaces").warning("a warning after them")
            written = _lines_of(path)
            assert len(written) == 3 and all(re.fullmatch(_PLAIN, x) for x in written[:2])
            assert written[2].endswith("WARNING safeplaces: a warning after them")
            _request(False)
            held.flush()
            assert len(_lines_of(path)) == 4
        unbuffered.detach()  # the file is the `with`'s to close


def _lines_of(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_a_stream_that_fails_is_logging_s_error_not_the_request_s(
    configured: None, capsys: pytest.CaptureFixture[str]
) -> None:
    logging.config.dictConfig(logging_config("info", "plain"))
    (handler,) = logging.getLogger("safeplaces").handlers
    assert isinstance(handler, logging.StreamHandler)
    broken = io.StringIO()
    broken.close()
    handler.setStream(broken)
    _request(False)  # answered; logging reports its own failure on stderr
    assert "Logging error" in capsys.readouterr().err


def test_a_served_plain_log_has_every_line_and_no_search(
    synthetic_settings: Settings, tmp_path: Path
) -> None:
    """The real `safeplaces serve` with plain lines at INFO, stopped as council IT stops it:
    one line for each request answered, in logging's default format, none with a search."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLACES_")}
    env |= {
        "SAFEPLACES_DATA_DIR": str(synthetic_settings.data.dir),
        "SAFEPLACES_CACHE_DIR": str(tmp_path / "cache"),
    }
    log, base = tmp_path / "server.log", f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        command = [SAFEPLACES, "serve", "--port", str(port)]
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 90
            while not _ready(base):
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
            with httpx.Client(base_url=base) as client:
                for _ in range(30):
                    got = client.get("/api/v1/places/nearest", params={"postcode": "DE4 3AG"})
                    assert got.status_code == 200
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    nearest = [x for x in log.read_text().splitlines() if "/api/v1/places/nearest" in x]
    line = rf"{_STAMP} INFO safeplaces.access: GET /api/v1/places/nearest 200 \d+\.\dms"
    assert len(nearest) == 30 and all(re.fullmatch(line, x) for x in nearest)
    for searched in ("DE4", "3AG", "postcode="):
        assert searched not in log.read_text()


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz").status_code == 200
    except httpx.TransportError:
        return False


@settings(max_examples=200, deadline=None)
@given(moment=_MOMENTS)
def test_json_times_are_loggings_utc_time_to_the_millisecond(moment: float) -> None:
    """The seconds' kept text is what logging's own formatTime makes of each moment."""
    ours = JsonLines()
    for at in (moment, moment + 0.4, moment + 1.0, moment - 3600.5):
        record, _ = _recorded(at, "GET", "/", 200, 1.0, False)
        made = logging.Formatter.formatTime(ours, record, "%Y-%m-%dT%H:%M:%S")
        assert json.loads(ours.format(record))["time"] == f"{made}.{int(record.msecs):03d}Z"
