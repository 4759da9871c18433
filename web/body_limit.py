"""Request bodies sent in chunks are held to the same size limit as any other, and a
malformed one is refused, before Flask reads it.

A body with a Content-Length over MAX_CONTENT_LENGTH gets 413 from Werkzeug. A
chunked body has no length: gunicorn marks its input as terminated and Werkzeug
then reads it whole, so a chunked POST of any size was accepted, and a broken
chunk (a bad size, a NUL in an extension) raised inside a view as a 500. This
middleware reads such a body itself, at most one byte past the limit, and hands
Flask a body with a length: the same 413 page as a sized body when it is too
large, a plain 400 when it cannot be read.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class ChunkedBodyLimit:
    def __init__(self, app: WSGIApp, limit: Callable[[], int | None]) -> None:
        self._app = app
        self._limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH"):
            limit = self._limit()
            try:
                body = _read_at_most(environ["wsgi.input"], None if limit is None else limit + 1)
            except Exception:  # the server's own parse error: the body is malformed
                log.info("refused a malformed chunked body on %s", environ.get("PATH_INFO"))
                start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
                return [b"The request body could not be read.\n"]
            # Werkzeug now sees a sized body: over the limit it answers 413 as for any other.
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ["wsgi.input_terminated"] = False
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self._app(environ, start_response)


def _read_at_most(stream: Any, size: int | None) -> bytes:
    parts, total = [], 0
    while size is None or total < size:
        part = stream.read(65536 if size is None else min(65536, size - total))
        if not part:
            break
        parts.append(part)
        total += len(part)
    return b"".join(parts)
