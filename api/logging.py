"""Logging that never records what people searched for.

Access lines carry the route template (``/api/v1/postcodes/{postcode}``), never the real path
or its query string, so no postcode or coordinate reaches a log. Uvicorn's own access log is
switched off in favour of this one.
"""

from __future__ import annotations

import atexit
import io
import itertools
import json
import logging
import logging.config
import math
import re
import secrets
import threading
import time
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import unexpected_error
from api.metrics import RequestMetrics

access_log = logging.getLogger("safeplaces.access")

# The id of the request being answered, for every log line written while answering it.
request_id: ContextVar[str] = ContextVar("request_id", default="")
REQUEST_ID_HEADER = b"x-request-id"
# An id a proxy sent (nginx's $request_id, a UUID) is kept only if it is hex and hyphens:
# a header that could carry words, a postcode among them, is never written to a log.
_GOOD_ID = re.compile(rb"[0-9A-Fa-f-]{16,64}")


def _sent_request_id(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            return value if _GOOD_ID.fullmatch(value) else None
    return None


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    if route is not None and hasattr(route, "path"):
        return str(route.path)
    # A mounted app (static files) leaves no route in scope, but its path in root_path.
    mounted = str(scope.get("root_path", ""))[len(scope.get("app_root_path", "")) :]
    return mounted or "<no route>"


class PrivateAccessLog:
    """ASGI middleware: a request id (kept from a proxy's X-Request-ID, else made, and sent
    back), one access line and the metrics per request, and a last guard against unhandled
    errors."""

    def __init__(
        self, app: ASGIApp, metrics: RequestMetrics | None = None, json_fields: bool = False
    ) -> None:
        self.app = app
        self.metrics = metrics
        # The access fields as a record's attributes are read by the JSON lines alone.
        self.json_fields = json_fields
        # Made ids: this process's random half, then a count (unique, and far cheaper than
        # fresh randomness per request; an id is a label, not a secret).
        self._id_prefix = secrets.token_hex(8)
        self._ids = itertools.count()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                send = _flushed_at_shutdown(send)
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        started = False
        sent = _sent_request_id(scope)
        rid = sent.decode() if sent else f"{self._id_prefix}{next(self._ids):016x}"
        header = (REQUEST_ID_HEADER, sent or rid.encode())
        token = request_id.set(rid)

        async def send_wrapper(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status = message["status"]
                started = True
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if started:
                raise
            response = unexpected_error(exc)
            status = response.status_code
            await response(scope, receive, send)
        finally:
            seconds = time.perf_counter() - start
            method, route = scope.get("method", "?"), route_template(scope)
            if self.metrics is not None:
                self.metrics.observe(method, route, status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                self._log(method, route, status, seconds * 1000)
            request_id.reset(token)

    def _log(self, method: str, route: str, status: int, ms: float) -> None:
        """The access line. When every handler it reaches is a plain stream or file handler
        writing with our formatters (as `logging_config` sets up), the line is formatted and
        written here, byte for byte as those handlers would, with no LogRecord made for it;
        any other set-up (a filter, another handler or formatter) gets the record, as before."""
        fields = (
            {"method": method, "route": route, "status": status, "ms": ms}
            if self.json_fields
            else None
        )
        handlers = _direct_handlers()
        if handlers is None:
            access_log.handle(self._record(method, route, status, ms, fields))
            return
        created = time.time()  # as a LogRecord takes its time
        message = f"{method} {route} {status:d} {ms:.1f}ms"  # as _ACCESS_LINE % args
        texts: dict[type, str] = {}
        for handler in handlers:
            formatter = handler.formatter
            kind = type(formatter)
            text = texts.get(kind)
            if text is None:
                text = texts[kind] = formatter.access_line(created, message, fields)  # type: ignore[union-attr]
            handler.acquire()
            try:
                lines.write(handler, text + handler.terminator)
            except RecursionError:
                raise
            except Exception:
                handler.handleError(self._record(method, route, status, ms, fields))
            finally:
                handler.release()

    @staticmethod
    def _record(
        method: str, route: str, status: int, ms: float, fields: dict[str, Any] | None
    ) -> logging.LogRecord:
        """The access line as a record, made directly: the caller is always this line, so
        the frames are not walked to find it (`Logger.info` would)."""
        args = (method, route, status, ms)
        return access_log.makeRecord(
            access_log.name, logging.INFO, __file__, 0, _ACCESS_LINE, args, None, _LOG, fields
        )


def _flushed_at_shutdown(send: Send) -> Send:
    """The lifespan's `send`: the access lines still held are written before the server is
    told the app has stopped (a clean stop, SIGTERM's included, loses none)."""

    async def sender(message: Message) -> None:
        if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
            lines.flush()
        await send(message)

    return sender


class HeldLines:
    """Access lines written into their stream's buffer and sent on by a timer, not one write
    to the file or pipe per request.

    Only for a text stream over an ordinary buffered file or pipe (stderr, a log file): the
    line goes into that stream's own buffer, so it keeps its place among every other line
    written to it (any other record's flush sends the held lines first, in order), and leaves
    at the latest `interval` seconds later (a thread flushes what was written since), when the
    buffer fills, at the app's shutdown and at the process's exit. Any other stream (a
    StringIO, a test's capture) is written and flushed at once, as logging's handler does.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self._held: set[logging.StreamHandler[Any]] = set()
        self._flusher: threading.Thread | None = None
        self._starting = threading.Lock()

    def write(self, handler: logging.StreamHandler[Any], line: str) -> None:
        """Write `line` through `handler`'s stream (the caller holds the handler's lock)."""
        stream = handler.stream
        raw = getattr(stream, "buffer", None)
        if type(stream) is not io.TextIOWrapper or type(raw) is not io.BufferedWriter:
            stream.write(line)
            handler.flush()
            return
        # As the text layer would encode it; its own buffer is empty (every record's write
        # ends with a flush), so the bytes go in after everything written before them.
        raw.write(line.encode(stream.encoding, stream.errors or "strict"))
        self._held.add(handler)
        if self._flusher is None:
            self._start()

    def flush(self) -> None:
        """Send every held line to its file or pipe now."""
        for handler in list(self._held):
            self._held.discard(handler)
            handler.acquire()
            try:
                handler.flush()
            except Exception:  # a broken stream: its next line reports it
                pass
            finally:
                handler.release()

    def _start(self) -> None:
        with self._starting:
            if self._flusher is not None:
                return
            self._flusher = threading.Thread(target=self._run, name="access-lines", daemon=True)
            self._flusher.start()
            atexit.register(self.flush)

    def _run(self) -> None:
        while True:
            time.sleep(self.interval)
            if self._held:
                self.flush()


lines = HeldLines()

_ACCESS_LINE = "%s %s %d %.1fms"
_LOG = "_log"
# The handlers whose whole emit is `stream.write(format(record) + terminator); flush()`.
_PLAIN_HANDLERS = (logging.StreamHandler, logging.FileHandler)


def _direct_handlers() -> list[logging.StreamHandler[Any]] | None:
    """The handlers an INFO access line reaches, walked as `Logger.callHandlers` walks them,
    if each of them can be written to directly; else None (the record path is taken)."""
    if access_log.filters:
        return None
    found: list[logging.StreamHandler[Any]] = []
    logger: logging.Logger | None = access_log
    while logger is not None:
        for handler in logger.handlers:
            if logging.INFO < handler.level:
                continue
            if (
                type(handler) not in _PLAIN_HANDLERS
                or handler.filters
                or type(handler.formatter) not in (PlainLines, JsonLines)
                or handler.formatter.datefmt is not None  # type: ignore[union-attr]
                or getattr(handler, "stream", None) is None  # a file opened on first use
            ):
                return None
            found.append(handler)  # type: ignore[arg-type]
        logger = logger.parent if logger.propagate else None
    # None reached (logging's last resort would write it): the record path says so.
    return found or None


class PlainLines(logging.Formatter):
    """`time level logger: message`, as logging's default formatter writes it; the time's text
    is made once a second, not for every line (an access line is written for every request)."""

    FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

    def __init__(self) -> None:
        super().__init__(self.FORMAT)
        self._kept: tuple[int, str] = (-1, "")  # a second, and its text

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        return self._stamp(record.created, int(record.msecs))

    def _stamp(self, created: float, msecs: int) -> str:
        second, text = self._kept
        if int(created) != second:
            text = time.strftime(self.default_time_format, self.converter(created))
            self._kept = (int(created), text)
        return f"{text},{msecs:03d}"

    def access_line(self, created: float, message: str, fields: dict[str, Any] | None) -> str:
        """What `format` makes of the access line's record made at `created`."""
        level = logging.getLevelName(logging.INFO)
        return f"{self._stamp(created, _msecs(created))} {level} {access_log.name}: {message}"


def _msecs(created: float) -> int:
    """A LogRecord's `msecs` for its `created`, as logging works it out."""
    return int((created - int(created)) * 1000)


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message and the request's id; an access
    line's method, route template, status and time too. Never the path or the query."""

    _ACCESS = ("method", "route", "status", "ms")

    def __init__(self) -> None:
        super().__init__()
        self._kept: tuple[int, str] = (-1, "")  # a second, and its text

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": self._stamp(record.created, int(record.msecs)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if rid := request_id.get():
            line["request_id"] = rid
        for key in self._ACCESS:
            if key in record.__dict__:
                line[key] = record.__dict__[key]
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)

    def access_line(self, created: float, message: str, fields: dict[str, Any] | None) -> str:
        """What `format` makes of the access line's record made at `created` with `fields`
        as its extra attributes: the text `json.dumps` writes for that dict, put together
        from each value's JSON (a string's is the C encoder's, a number's its repr)."""
        text = (
            f'{{"time": {_str(self._stamp(created, _msecs(created)))}, '
            f'"level": {_str(logging.getLevelName(logging.INFO).lower())}, '
            f'"logger": {_str(access_log.name)}, "message": {_str(message)}'
        )
        if rid := request_id.get():
            text += f', "request_id": {_str(rid)}'
        for key, value in (fields or {}).items():
            text += f", {_str(key)}: {_json_value(value)}"
        return text + "}"

    def _stamp(self, created: float, msecs: int) -> str:
        """UTC to the millisecond; the seconds' text made once a second."""
        second, text = self._kept
        if int(created) != second:
            text = time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(created))
            self._kept = (int(created), text)
        return f"{text}.{msecs:03d}Z"

    converter = staticmethod(time.gmtime)


# The string encoder `json.dumps(..., ensure_ascii=False)` uses (C where available).
_str = json.encoder.encode_basestring


def _json_value(value: object) -> str:
    """A value's text in `json.dumps`' output: strings, ints and finite floats directly."""
    if type(value) is str:
        return _str(value)
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def logging_config(level: str = "info", log_format: str = "plain") -> dict[str, Any]:
    """dictConfig for the service and uvicorn; uvicorn's access logger is silenced."""
    lvl = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"()": PlainLines},
            "json": {"()": JsonLines},
        },
        "handlers": {
            "stderr": {"()": "api.log_stream.stderr_handler", "formatter": log_format},
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "uvicorn.error": {"level": lvl},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "safeplaces": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "geodata": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "locator": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "api": {"handlers": ["stderr"], "level": lvl, "propagate": False},
        },
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def configure_logging(level: str = "info", log_format: str = "plain") -> None:
    logging.config.dictConfig(logging_config(level, log_format))
