"""Reading an uploaded form without ever holding or writing more than the limit.

A body whose Content-Length is over the limit is refused before any of it is read; one sent
without a Content-Length (chunked) is counted as it arrives and cut off once it passes the
limit. The file part is kept in memory (never spooled to disk) and is never let grow past
the file limit, so nothing bigger than the limit is written anywhere.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from starlette.datastructures import FormData, Headers
from starlette.formparsers import MultiPartParser
from starlette.requests import Request

# Room for the form around the file: the boundaries, each part's headers, the CSRF token.
FORM_OVERHEAD = 16 * 1024


class TooBig(Exception):
    """The body (or the file in it) passed the limit: stop reading it."""


def declared_too_big(request: Request, file_limit: int) -> bool:
    """True when the Content-Length alone says the body is over the limit."""
    declared = request.headers.get("content-length", "")
    return declared.isdigit() and int(declared) > file_limit + FORM_OVERHEAD


class _LimitedParser(MultiPartParser):
    """Starlette's multipart parser, with the file part counted before it is stored."""

    def __init__(
        self, headers: Headers, stream: AsyncGenerator[bytes, None], file_limit: int
    ) -> None:
        super().__init__(headers, stream, max_files=1, max_fields=8, max_part_size=FORM_OVERHEAD)
        # Held in memory up to the limit, which it never passes: no temporary file on disk.
        self.spool_max_size = file_limit + 1
        self.file_limit = file_limit
        self.file_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self.file_bytes += end - start
            if self.file_bytes > self.file_limit:
                raise TooBig
        super().on_part_data(data, start, end)


async def _counted(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    """The body as it arrives, stopped once more than `limit` bytes have come."""
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise TooBig
        yield chunk


async def read_form(request: Request, file_limit: int) -> FormData:
    """The posted multipart form, its one file at most `file_limit` bytes (else `TooBig`;
    `starlette.formparsers.MultiPartException` for a body that isn't a multipart form)."""
    parser = _LimitedParser(
        request.headers, _counted(request, file_limit + FORM_OVERHEAD), file_limit
    )
    return await parser.parse()
