"""The log's stream on stderr (`api.logging.logging_config`'s handler)."""

from __future__ import annotations

import io
import logging
import sys
from typing import TextIO


def stderr_handler() -> logging.StreamHandler[TextIO]:
    """logging's own handler on stderr, on a buffered stream where stderr has none.

    Where Python writes stderr straight through (`python -u`, `PYTHONUNBUFFERED`, as the
    Docker image sets), every access line would be a write of its own to the file or pipe
    (`api.logging.HeldLines` holds lines only in a stream's buffer). There the handler writes to a
    buffered stream of its own over stderr's file: every record it writes still leaves at
    once, in order (logging flushes after each), and the access lines wait in that buffer
    as they do in stderr's own elsewhere. Only what is written to stderr without logging
    (`print(..., file=sys.stderr)`) can then come out ahead of access lines still held.
    """
    stream = sys.stderr
    raw = getattr(stream, "buffer", None)
    if type(stream) is io.TextIOWrapper and type(raw) is io.FileIO:
        own = io.FileIO(raw.fileno(), "w", closefd=False)  # stderr's file stays open
        stream = io.TextIOWrapper(
            io.BufferedWriter(own), encoding=stream.encoding, errors=stream.errors
        )
    return logging.StreamHandler(stream)
