"""nginx's access log never holds a person's sealed answers: the ``?s=`` token of the
questionnaire's URLs. Each request is there, by method, path and status, and nothing
of its query string, in the shipped screening.conf's own format, which replaces the
"combined" access_log of Debian's main configuration (the stack's main file has one too)."""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

from deploy.stack import ACCESS_LOG, MAIN_ACCESS_LOG, NGINX_SITE
from tests.deploy.deploy_support import (
    FORM,
    contact_form,
    exchange,
    log_lines,
    person,
    size_of,
    status_of,
)
from tests.support import HEALTHY, Walker


class ProxyResponse:
    def __init__(self, answer):
        self.status_code = answer.status
        self.headers = answer.headers
        self.body = answer.body

    def get_data(self, as_text: bool = False):
        return self.body.decode() if as_text else self.body


class ProxyClient:
    """The test client's get/post, through nginx from one person's address (for Walker)."""

    def __init__(self, stack):
        self.stack = stack
        self.source = person()
        self.urls: list[str] = []  # every URL asked for, query strings included

    def _send(self, method: str, url: str, body=None, headers=None) -> ProxyResponse:
        parts = urlsplit(url)  # a Location may be absolute: keep its path and query
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.urls.append(target)
        answer = self.stack.request(method, target, body, headers, source=self.source)
        return ProxyResponse(answer)

    def get(self, url: str) -> ProxyResponse:
        return self._send("GET", url)

    def post(self, url: str, data: dict) -> ProxyResponse:
        return self._send("POST", url, urlencode(data, doseq=True), FORM)


def tokens_in(urls: list[str]) -> set[str]:
    tokens = set()
    for url in urls:
        for name, _, value in (p.partition("=") for p in urlsplit(url).query.split("&")):
            if name == "s" and value:
                tokens.add(value)
    return tokens


def test_a_whole_questionnaire_leaves_no_token_in_the_access_log(stack):
    log = stack.prefix / ACCESS_LOG
    main_log = stack.prefix / MAIN_ACCESS_LOG
    start, main_start = size_of(log), size_of(main_log)
    client = ProxyClient(stack)

    result = Walker(client).complete(HEALTHY)  # /check/start, every step, GET and POST
    page = client.get(result)
    assert page.status_code == 200
    token = client.urls[-1].split("s=", 1)[1].split("&", 1)[0]
    sent = client._send("POST", "/check/contact", contact_form(token), FORM)
    assert sent.status_code == 303, sent.get_data(as_text=True)[:500]
    assert client.get(sent.headers["Location"]).status_code == 200  # done?s=...&sent=...
    # The plain-HTTP redirect and the unknown-host server log in the same format.
    redirect = stack.request("GET", result, tls=False, source=client.source)
    assert redirect.status == 301
    with stack.open_socket(client.source, tls=False, port=stack.http_port) as sock:
        path = urlsplit(result).path + "?" + urlsplit(result).query
        head = f"GET {path} HTTP/1.1\r\nHost: elsewhere.example\r\n\r\n".encode()
        assert status_of(exchange(sock, head)) == 0  # 444: closed without an answer

    tokens = tokens_in(client.urls)
    assert len(tokens) >= 5, client.urls  # one per step at least: each page's new state
    lines = log_lines(log, start)
    text = "\n".join(lines)
    for token in tokens:
        assert token not in text
    assert "s=" not in text and "?" not in text, text
    # Every request is there, by its path: one line each, from this person's address.
    mine = [line for line in lines if line.startswith(client.source + " ")]
    assert len(mine) == len(client.urls) + 2, text
    assert '"GET /check/result HTTP/1.1" 200 ' in text
    assert '"POST /check/contact HTTP/1.1" 303 ' in text
    assert '"GET /check/contact/done HTTP/1.1" 200 ' in text
    assert '"GET /check/result HTTP/1.1" 301 ' in text
    assert '"GET /check/result HTTP/1.1" 444 ' in text
    # Nothing fell through to the main configuration's "combined" log, which has the query.
    assert log_lines(main_log, main_start) == []


def test_every_server_of_the_site_logs_in_the_format_without_the_query_string():
    site = NGINX_SITE.read_text()
    formats = re.findall(r"^log_format (\S+) (.*?);", site, re.M | re.S)
    assert [name for name, _ in formats] == ["screening"]
    format_text = formats[0][1]
    for variable in ("$request ", '$request"', "$request_uri", "$args", "$query_string",
                     "$http_referer", "$arg_"):  # fmt: skip
        assert variable not in format_text, variable
    assert "$uri" in format_text
    servers = site.count("\nserver {")
    assert site.count("access_log /var/log/nginx/screening-access.log screening;") == servers


def test_one_request_id_finds_a_request_in_nginx_s_log_the_app_s_log_and_the_answer(stack):
    """nginx names each request (rid= in its line) and sends that id to the app, which logs
    it and answers with it; an id the client made up is replaced, never trusted."""
    log = stack.prefix / ACCESS_LOG
    app_logs = [instance.log for instance in stack.instances]  # gunicorn-<port>.log
    start = size_of(log)
    app_starts = [size_of(path) for path in app_logs]
    source = person()
    answer = stack.request(
        "GET", "/check/start", headers={"X-Request-ID": "made-up-by-the-client"}, source=source
    )
    assert answer.status == 303
    request_id = answer.header("X-Request-ID")
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id
    (line,) = [line for line in log_lines(log, start) if line.startswith(source + " ")]
    assert '"GET /check/start HTTP/1.1" 303 ' in line and line.endswith(f" rid={request_id}")
    app_text = "".join(
        path.read_bytes()[since:].decode(errors="replace")
        for path, since in zip(app_logs, app_starts, strict=True)
    )
    assert request_id in app_text and "made-up-by-the-client" not in app_text
