"""Step and result pages drawn once per content, then given each person's token.

Two people who see the same step with the same answers on it, in the same
language, mode and address, see the same page but for one thing: their sealed
token (in the form, the Back link and the language links; the flow id inside
it is never shown). So a page is rendered once with a placeholder where the
token goes, kept under everything else it depends on (the key), and each
request only seals its token and puts it in. Drawing the page was most of a
step or result page's time (bench/profile_pages.py).

Only pages without errors are kept: a page showing a person's mistakes is
drawn afresh. The key is built by the view from what the templates read; the
test suite renders pages both ways, for random answers, languages and modes,
and requires them to be identical. Pages are derived data, bounded in number
and never needed by another worker, so web workers stay stateless.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from flask import Flask, current_app, request
from flask_babel import get_locale

from embed.context import current_embed

V = TypeVar("V")

MAX_PAGES = 256  # a page is 10 to 25 KB: a few MB per worker at most

#: Stands for the token while a page is drawn. Letters and digits only, like the
#: token itself (see StateCodec.dumps), so it is written the same in URLs and HTML.
TOKEN_SLOT = "tokenslot" + secrets.token_hex(16)
TOKEN_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


class LeastRecentlyUsed(Generic[V]):
    """At most ``size`` values by key; the least recently used goes first. Thread-safe."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value under ``key``; ``make()`` (outside the lock) when there is none."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
                return value
        value = make()
        with self._lock:
            self._values[key] = value
            while len(self._values) > self._size:
                self._values.popitem(last=False)
        return value


class RenderedPages:
    """The most recently used pages, by key."""

    def __init__(self, max_pages: int = MAX_PAGES) -> None:
        self._pages: LeastRecentlyUsed[str] = LeastRecentlyUsed(max_pages)

    def page(self, key: Hashable, token: str, render: Callable[[str], str]) -> str:
        """The page under ``key`` with ``token`` in it; ``render(slot)`` draws it when missing.

        The token goes in unescaped, so only a token of the sealed alphabet is accepted.
        """
        if not TOKEN_ALPHABET.fullmatch(token):
            raise ValueError("not a sealed token")
        html = self._pages.get_or_make(key, lambda: render(TOKEN_SLOT))
        return html.replace(TOKEN_SLOT, token)


def request_key(*content: Any) -> tuple[Hashable, ...]:
    """What every page depends on besides its content: address, query, language and mode."""
    embed = current_embed()
    return (
        request.script_root,
        request.path,
        tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "s")),
        str(get_locale()),
        tuple(sorted(embed.as_values().items())) if embed else None,
        *content,
    )


def page(key: Hashable, token: str, render: Callable[[str], str]) -> str:
    """This app's page under ``key`` (see RenderedPages.page)."""
    pages: RenderedPages | None = current_app.extensions.get("rendered_pages")
    if pages is None:  # PAGE_CACHE off: every page drawn afresh
        return render(token)
    return pages.page(key, token, render)


def init_app(app: Flask) -> None:
    if app.config.get("PAGE_CACHE", True):
        app.extensions["rendered_pages"] = RenderedPages()
