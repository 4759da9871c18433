"""Work that runs once a response's body has gone to the client: the person never waits for it.

Werkzeug's ``call_on_close`` runs work when the server closes the response.
Gunicorn always closes it, but the development server (``flask run``) skips
the close when the browser resets the connection after reading a redirect,
which Chromium does now and then: the work never ran. Here the work runs when
the server asks for the body's next chunk after writing the last one, which
every WSGI server does, with the length already sent so the browser has the
whole answer; closing runs it too when the body was never read. Either way it
runs once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import Response


class _BodyThenWork:
    """The body as one chunk, then the work; or the work on close, whichever comes first."""

    def __init__(self, body: bytes, work: Callable[[], None]) -> None:
        self.body = body
        self.work: Callable[[], None] | None = work

    def __iter__(self) -> Iterator[bytes]:
        yield self.body
        self._run_once()

    def close(self) -> None:
        self._run_once()

    def _run_once(self) -> None:
        work, self.work = self.work, None
        if work is not None:
            work()


def run_after_body(response: Response, work: Callable[[], None]) -> Response:
    """Make ``work`` run after the server has written this response's body."""
    body = response.get_data()
    response.response = _BodyThenWork(body, work)
    response.headers["Content-Length"] = str(len(body))  # not streamed: the client knows the end
    return response
