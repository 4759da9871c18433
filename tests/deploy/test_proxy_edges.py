"""What nginx does at the edge, before any app instance sees a request: body and header
limits (chunked bodies too), TLS only, one host name, and the static files."""

from __future__ import annotations

import http.client
import socket
import ssl

import pytest

from tests.deploy.deploy_support import exchange, person, status_of

LIMIT = 64 * 1024


def chunked(size: int, piece: int = 4096) -> list[bytes]:
    """A form body of ``size`` bytes, in chunks, with the terminating chunk."""
    body = b"s=forged&message=" + b"a" * (size - 17)
    chunks = [body[i : i + piece] for i in range(0, len(body), piece)]
    return [b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks] + [b"0\r\n\r\n"]


def post_head(stack, framing: bytes) -> bytes:
    return (
        b"POST /check/contact HTTP/1.1\r\nHost: " + stack.host.encode() + b"\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n" + framing
    )


def test_a_chunked_body_over_64_kib_is_refused_like_one_with_a_length(stack):
    with stack.open_socket(person()) as sock:
        head = exchange(sock, post_head(stack, b"Transfer-Encoding: chunked\r\n\r\n"),
                        *chunked(LIMIT + 1024))  # fmt: skip
    assert status_of(head) == 413, head
    with stack.open_socket(person()) as sock:
        sized = b"Content-Length: %d\r\n\r\n" % (LIMIT + 1024)
        head = exchange(sock, post_head(stack, sized), b"s=forged&message=" + b"a" * LIMIT)
    assert status_of(head) == 413, head


def test_a_chunked_body_under_the_limit_reaches_the_app_whole(stack):
    """nginx reads it all and passes it on with a length: the app answers it as any form."""
    with stack.open_socket(person()) as sock:
        head = exchange(sock, post_head(stack, b"Transfer-Encoding: chunked\r\n\r\n"),
                        *chunked(LIMIT // 2))  # fmt: skip
    # A forged token: the app sends the person back to the start (303), as for any form.
    assert status_of(head) == 303, head
    assert b"Location: /?notice=" in head


@pytest.mark.parametrize(
    ("request_head", "status"),
    [
        (b"GET /?q=" + b"a" * 9000 + b" HTTP/1.1\r\n", 414),  # request line over 8 KiB
        (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 9000 + b"\r\n", 400),  # a header over 8 KiB
    ],
)
def test_oversized_request_heads_are_refused(stack, request_head, status):
    with stack.open_socket(person()) as sock:
        head = exchange(sock, request_head + b"Host: " + stack.host.encode() + b"\r\n\r\n")
    assert status_of(head) == status, head[:200]


def test_plain_http_only_redirects_to_https(stack):
    answer = stack.request("GET", "/check/start?lang=es", tls=False)
    assert answer.status == 301
    assert answer.header("Location") == f"https://{stack.host}/check/start?lang=es"


def test_another_host_name_gets_no_answer(stack):
    """A forged or unknown Host (or none) reaches no instance: nginx closes the connection."""
    for host in ("evil.example", "127.0.0.1"):
        connection = stack.connection()
        try:
            connection.request("GET", "/", headers={"Host": host})
            with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
                connection.getresponse()
        finally:
            connection.close()


def test_a_tls_handshake_for_another_name_is_refused(stack):
    trusting_anything = ssl.create_default_context()
    trusting_anything.check_hostname = False
    trusting_anything.verify_mode = ssl.CERT_NONE  # only the name may make it fail
    with (
        socket.create_connection(("127.0.0.1", stack.https_port), 5) as raw,
        pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME"),
    ):
        trusting_anything.wrap_socket(raw, server_hostname="evil.example")


def test_forwarded_headers_are_nginx_s_never_the_client_s(stack):
    """X-Forwarded-Proto and -Host say what nginx saw: HTTPS (so HSTS), and its own name."""
    answer = stack.request(
        "GET", "/", headers={"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example"}
    )
    assert answer.status == 200, answer.body[:300]
    assert answer.header("Strict-Transport-Security").startswith("max-age=")
    assert b"evil.example" not in answer.body


def test_static_files_come_from_nginx_with_a_long_cache_life(stack):
    answer = stack.request("GET", "/static/app.css?v=anything")
    assert answer.status == 200
    assert answer.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert "Content-Security-Policy" not in answer.headers  # the app's; it never saw this
    assert stack.request("GET", "/static/../app.py").status in (400, 404)
