"""Structured logs: one JSON object per line, a request id in every line of its request,
and never a token, a form field, a cookie or a query string in any line."""

from __future__ import annotations

import io
import json
import logging
import re
from contextlib import contextmanager
from datetime import datetime

import pytest

import ops.logs
from app import create_app
from core.config import ConfigError
from core.extensions import db
from questionnaire.catalogue import STEPS
from tests.console_support import CONTACT
from tests.factories import make_staff, sign_in
from tests.support import BY_OUTCOME, Walker, form_fields, hidden_token, sqlite_app, token_of

HEX_ID = re.compile(r"[0-9a-f]{32}")


@contextmanager
def log_output():
    """Everything the app's stderr handler writes meanwhile, in its configured format."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, ops.logs._OurHandler))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def json_lines(buffer: io.StringIO) -> list[dict]:
    text = buffer.getvalue()
    assert text, "nothing was logged"
    return [json.loads(line) for line in text.splitlines()]  # each line is one JSON object


@pytest.fixture
def json_app(tmp_path):
    return sqlite_app(tmp_path, AUTO_MIGRATE=True, LOG_FORMAT="json", RATELIMIT_ENABLED=False)


def test_a_safe_incoming_request_id_is_kept_and_returned(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.01_B-x"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.01_B-x"


@pytest.mark.parametrize(
    "incoming",
    ["a" * 65, "two words", "<script>", "id;drop", "ünïcode", "a/b", "", "x\u2028y"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_every_request_gets_an_id_of_its_own(client):
    ids = {client.get(path).headers["X-Request-ID"] for path in ["/healthz"] * 3 + ["/", "/nope"]}
    assert len(ids) == 5 and all(HEX_ID.fullmatch(i) for i in ids)


def test_an_access_line_per_request_as_one_json_object(json_app):
    client = json_app.test_client()
    with log_output() as buffer:
        client.get("/check/skin?s=x", headers={"X-Request-ID": "req-123"})
    (line,) = [line for line in json_lines(buffer) if line["logger"] == "screening.access"]
    assert line["request_id"] == "req-123"
    assert line["method"] == "GET" and line["route"] == "/check/<step_id>"
    assert line["status"] == 303 and isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert line["message"] == "GET /check/<step_id> 303"
    assert line["time"].endswith("Z")
    assert datetime.fromisoformat(line["time"].replace("Z", "+00:00")).utcoffset().seconds == 0


def test_every_line_of_a_request_carries_its_id_and_an_exception_its_text(tmp_path):
    app = sqlite_app(tmp_path, LOG_FORMAT="json", PROPAGATE_EXCEPTIONS=False)

    def broken():
        app.logger.warning("about to fail")
        raise RuntimeError("the view broke")

    app.add_url_rule("/__test/broken", "broken", broken)
    with log_output() as buffer:
        response = app.test_client().get("/__test/broken", headers={"X-Request-ID": "r-9"})
    assert response.status_code == 500
    lines = json_lines(buffer)
    assert len(lines) == 3  # the warning, Flask's "Exception on ...", the access line
    assert {line["request_id"] for line in lines} == {"r-9"}
    assert {line["route"] for line in lines} == {"/__test/broken"}
    warning, error, access = lines
    assert warning["level"] == "WARNING" and warning["message"] == "about to fail"
    assert error["level"] == "ERROR"
    assert "RuntimeError: the view broke" in error["exception"]
    assert "Traceback" in error["exception"]
    assert access["status"] == 500


def test_the_notifications_sent_after_the_answer_log_with_its_request_id(tmp_path):
    """A lead's webhook is sent once the answer has gone; its failure is that request's."""
    from tests.services import free_port

    app = sqlite_app(
        tmp_path,
        AUTO_MIGRATE=True,
        LOG_FORMAT="json",
        WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/hook",  # nothing listens: it fails
        WEBHOOK_SECRET="s3cret",
        WEBHOOK_TIMEOUT=2,
    )
    client = app.test_client()
    result = Walker(client).complete(BY_OUTCOME["book_consultation"])
    with log_output() as buffer:
        response = client.post(
            "/check/contact",
            data={"s": token_of(result), **CONTACT},
            headers={"X-Request-ID": "contact-1"},
        )
        assert response.status_code == 303
        after = client.get("/healthz", headers={"X-Request-ID": "next-1"})
        assert after.status_code == 200
    lines = json_lines(buffer)
    retry = [line for line in lines if "will be retried" in line["message"]]
    assert retry, lines
    assert {line["request_id"] for line in retry} == {"contact-1"}
    assert [line["request_id"] for line in lines if line["logger"] == "screening.access"] == [
        "contact-1",
        "next-1",
    ]


def test_lines_outside_a_request_have_no_request_id(json_app):
    json_app.test_client().get("/healthz")
    with log_output() as buffer:
        logging.getLogger("leads.outbox").warning("a line from the cron job")
    (line,) = json_lines(buffer)
    assert "request_id" not in line and "route" not in line


def test_json_is_the_default_in_production_and_text_elsewhere(monkeypatch, tmp_path):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://check.example-clinic.com")
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"},
               instance_path=str(tmp_path))  # fmt: skip
    with log_output() as buffer:
        logging.getLogger("app").info("hello")
    assert json.loads(buffer.getvalue())["message"] == "hello"

    monkeypatch.setenv("APP_ENV", "development")
    sqlite_app(tmp_path)
    with log_output() as buffer:
        logging.getLogger("app").info("hello")
    assert buffer.getvalue().rstrip().endswith("INFO [app] hello")
    with pytest.raises(json.JSONDecodeError):
        json.loads(buffer.getvalue())

    sqlite_app(tmp_path, LOG_FORMAT="json")  # asked for on a laptop
    with log_output() as buffer:
        logging.getLogger("app").info("hello")
    assert json.loads(buffer.getvalue())["logger"] == "app"


@pytest.mark.parametrize("where", ["environment", "config"])
def test_an_unknown_log_format_stops_start_up(monkeypatch, tmp_path, where):
    if where == "environment":
        monkeypatch.setenv("LOG_FORMAT", "xml")
        with pytest.raises(ConfigError, match="LOG_FORMAT"):
            create_app({"TESTING": True}, instance_path=str(tmp_path))
    else:
        with pytest.raises(ConfigError, match="LOG_FORMAT"):
            sqlite_app(tmp_path, LOG_FORMAT="xml")


def test_no_token_form_field_cookie_or_query_is_ever_logged(json_app):
    """A whole questionnaire (tokens in URLs and forms), a contact request with a name,
    the console with its cookie: the lines name routes, never what was sent."""
    client = json_app.test_client()
    seen_tokens = []
    with log_output() as buffer:
        location = client.get("/check/start").headers["Location"]
        answers = BY_OUTCOME["book_consultation"]
        for step in STEPS:
            seen_tokens.append(token_of(location))
            page = client.get(location)
            token = hidden_token(page.get_data(as_text=True))
            seen_tokens.append(token)
            response = client.post(
                f"/check/{step.id}", data={"s": token, **form_fields(answers, step.id)}
            )
            location = response.headers["Location"]
        result_token = token_of(location)
        seen_tokens.append(result_token)
        assert client.get(location).status_code == 200
        posted = client.post("/check/contact", data={"s": result_token, **CONTACT})
        assert posted.status_code == 303
        client.get(f"/nowhere?s={result_token}&email={CONTACT['email']}")
        make_staff(json_app, "admin@clinic.test", role="admin")
        sign_in(client, "admin@clinic.test")
        assert client.get("/staff/leads").status_code == 200
        cookie = client.get_cookie("session")
        assert cookie is not None
    text = buffer.getvalue()
    lines = json_lines(buffer)
    routes = {line.get("route") for line in lines if line["logger"] == "screening.access"}
    assert {"/check/<step_id>", "/check/contact", "/staff/leads", "unmatched"} <= routes
    secrets = [*seen_tokens, cookie.value, "admin@clinic.test", "correct horse battery"]
    # The phone in any spacing: "7946" alone also turns up in random request ids (hex).
    secrets += [CONTACT["name"], "Zo\\u00eb", CONTACT["email"], CONTACT["phone"], "79460958"]
    secrets += ["7946 0958"]
    secrets += [CONTACT["message"], "Evenings", "?s=", "&email=", "/check/scars", "/nowhere"]
    for secret in secrets:
        assert secret not in text, secret


def test_a_failed_statement_never_logs_the_values_it_was_sent(json_app):
    """SQLAlchemy puts a failed statement's values ("[parameters: ...]": a name, an email)
    in its error; the contact view logs that error when a lead cannot be stored."""
    with json_app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE leads RENAME COLUMN phone TO phone_gone")
    client = json_app.test_client()
    result = Walker(client).complete(BY_OUTCOME["book_consultation"])
    with log_output() as buffer:
        response = client.post("/check/contact", data={"s": token_of(result), **CONTACT})
    assert response.status_code >= 500  # nothing could be stored
    lines = json_lines(buffer)
    (failure,) = [line for line in lines if line["level"] == "ERROR"]
    # The error is there, not its values (the engine hides them: core.database).
    assert "[SQL parameters hidden due to hide_parameters=True]" in failure["exception"]
    for secret in (CONTACT["email"], "Zo\\u00eb", CONTACT["message"], token_of(result)):
        assert secret not in buffer.getvalue(), secret


def test_the_scrub_hides_token_values_and_statement_parameters():
    text = "GET /check/result?s=gAAAAB.x-y_z&lang=es \"s=abc\" [parameters: ('Zoë', 'z@e.com')]"
    scrubbed = ops.logs.scrub(text)
    assert "gAAAAB" not in scrubbed and "abc" not in scrubbed and "Zoë" not in scrubbed
    assert "?s=[hidden]&lang=es" in scrubbed and "[parameters: hidden]" in scrubbed
    assert ops.logs.scrub("status=200 ms=3 xs=4") == "status=200 ms=3 xs=4"
    detail = "duplicate key\nDETAIL:  Key (email)=(zoe@example.com) already exists.\n[SQL: INSERT"
    assert ops.logs.scrub(detail) == "duplicate key\nDETAIL: [hidden]\n[SQL: INSERT"


def test_the_scrub_hides_a_set_password_link_s_token():
    line = "GET /staff/set-password?token=eyJpZCI6Mn0.axaBPA.Ty2K5I3z&x=1 csrf_token=kept"
    assert ops.logs.scrub(line) == "GET /staff/set-password?token=[hidden]&x=1 csrf_token=kept"
