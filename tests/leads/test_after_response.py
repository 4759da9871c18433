"""Work left for after the answer (a new lead's notifications), on a real WSGI server.

The browser has the whole answer before the work starts, and the work runs even
when the browser resets the connection straight after reading it, as Chromium
does after a redirect (Werkzeug's server then skips the response's close, which
is where ``call_on_close`` work would have run).
"""

from __future__ import annotations

import socket
import struct
import threading

from flask import Flask, redirect
from werkzeug.serving import make_server

from leads.after_response import run_after_body


def serve(work):
    app = Flask(__name__)

    @app.post("/contact")
    def contact():
        return run_after_body(redirect("/done", code=303), work)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def read_answer(sock: socket.socket) -> bytes:
    """The status line, headers and exactly Content-Length bytes of body."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(4096)
    return head + b"\r\n\r\n" + body


def test_the_answer_arrives_before_the_work_and_a_reset_does_not_skip_it():
    answered, ran = threading.Event(), threading.Event()
    seen_before_work = []

    def work():
        seen_before_work.append(answered.wait(timeout=5))  # the browser already has the answer
        ran.set()

    server = serve(work)
    try:
        with socket.create_connection(("127.0.0.1", server.server_port), timeout=5) as sock:
            sock.sendall(b"POST /contact HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            answer = read_answer(sock)
            answered.set()
            # Close with a reset (linger 0), as Chromium does after following a redirect.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert answer.startswith(b"HTTP/1.1 303")
        assert b"location: /done" in answer.lower()
        assert ran.wait(timeout=5)
        assert seen_before_work == [True]
    finally:
        server.shutdown()


def test_the_work_runs_once_when_the_body_is_read_and_closed(app):
    calls = []
    with app.test_request_context():
        response = run_after_body(redirect("/done", code=303), lambda: calls.append(1))
    body = b"".join(response.response)
    response.close()
    assert calls == [1]
    assert response.headers["Content-Length"] == str(len(body))
