"""The questionnaire's state between steps, carried by the browser in a sealed token.

There is no server-side session: a token travels in the step URL and in each
form, so any number of stateless workers can serve any step, and the flow keeps
working inside a cross-site iframe where cookies are blocked. Answers are health
data, so the token is encrypted as well as signed (Fernet: AES plus HMAC, with a
timestamp), which keeps them unreadable in URLs, histories and logs. A tampered
or expired token is refused; it is never trusted for a decision.

A token expires FLOW_TOKEN_MAX_AGE after the questionnaire began, not after it
was last sealed: every page seals a fresh token, so a lifetime counted from the
last one could be renewed for ever by whoever held a leaked link.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
import zlib
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAX_TOKEN_LENGTH = 4096
_SEALED = re.compile(r"[A-Za-z0-9_-]+=*")


@dataclass
class FlowState:
    """One person's progress: a random flow id and the answers given so far.

    ``embed`` holds the embed settings (host origin, accent, font) of a flow
    started inside a clinic's page, as plain strings; see ``web.embed_mode``.
    """

    flow_id: str
    answers: dict[str, object] = field(default_factory=dict)
    lang: str | None = None
    embed: dict[str, str] | None = None
    started: int | None = None  # when the questionnaire began (Unix seconds); None: now
    # Where the next submitted step goes back to ("result": a "Change" link's round
    # trip); None: on through the steps. Views accept only the targets they know.
    return_to: str | None = None


class StateError(Exception):
    """The token could not be used; ``reason`` is "missing", "expired" or "invalid"."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _fernet_key(secret_key: str) -> bytes:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"questionnaire-state-v1"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


class StateCodec:
    """Seals a FlowState into a URL-safe token and opens it again."""

    def __init__(self, secret_key: str, max_age_seconds: int):
        self._fernet = Fernet(_fernet_key(secret_key))
        self._max_age = max_age_seconds

    @staticmethod
    def new(lang: str | None = None, embed: dict[str, str] | None = None) -> FlowState:
        return FlowState(
            flow_id=secrets.token_urlsafe(12), lang=lang, embed=embed or None,
            started=int(time.time()),
        )  # fmt: skip

    def dumps(self, state: FlowState) -> str:
        if state.started is None:
            state.started = int(time.time())
        payload = {"f": state.flow_id, "a": state.answers, "t": state.started}
        if state.lang:
            payload["l"] = state.lang
        if state.embed:
            payload["e"] = state.embed
        if state.return_to:
            payload["r"] = state.return_to
        raw = zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 9)
        # Without base64's "=" padding a token reads the same in a URL and in HTML
        # (questionnaire/pages.py relies on it), and is never percent-encoded.
        return self._fernet.encrypt(raw).decode("ascii").rstrip("=")

    def loads(self, token: str | None) -> FlowState:
        if not token:
            raise StateError("missing")
        if len(token) > MAX_TOKEN_LENGTH or not _SEALED.fullmatch(token):
            raise StateError("invalid")  # base64 decoding would skip stray characters
        token = token.rstrip("=") + "=" * (-len(token.rstrip("=")) % 4)
        try:
            raw = self._fernet.decrypt(token, ttl=self._max_age)
        except InvalidToken:
            try:
                self._fernet.decrypt(token)
            except (InvalidToken, ValueError, TypeError):
                raise StateError("invalid") from None
            raise StateError("expired") from None
        except (ValueError, TypeError):
            raise StateError("invalid") from None
        try:
            payload = json.loads(zlib.decompress(raw))
            flow_id = payload["f"]
            answers = payload["a"]
            lang = payload.get("l")
            embed = payload.get("e")
            return_to = payload.get("r")
            # A token sealed before the start was carried began no later than it was sealed.
            started = payload.get("t") or self._fernet.extract_timestamp(token)
        except (ValueError, KeyError, TypeError, zlib.error, InvalidToken):
            raise StateError("invalid") from None
        if not isinstance(started, int) or isinstance(started, bool):
            raise StateError("invalid")
        if time.time() - started > self._max_age:
            raise StateError("expired")
        if not isinstance(flow_id, str) or not isinstance(answers, dict):
            raise StateError("invalid")
        if embed is not None and not (
            isinstance(embed, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in embed.items())
        ):
            raise StateError("invalid")
        if return_to is not None and not isinstance(return_to, str):
            raise StateError("invalid")
        return FlowState(
            flow_id=flow_id, answers=answers, lang=lang, embed=embed, started=started,
            return_to=return_to,
        )  # fmt: skip
