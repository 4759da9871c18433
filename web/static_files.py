"""Static files addressed by their content hash, so browsers may keep them for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request, url_for

from web import render_cache


def static_versions(static_folder: Path) -> dict[str, str]:
    """A short content hash per static file, read once at start-up."""
    versions = {}
    for path in static_folder.rglob("*"):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            versions[path.relative_to(static_folder).as_posix()] = digest
    return versions


def init_app(app: Flask) -> None:
    versions = static_versions(Path(app.static_folder or "static"))

    def static_url(filename: str) -> str:
        """The file's address with its content hash; built once per mount point and file."""
        return render_cache.kept(
            "static_urls",
            (request.script_root, filename),
            lambda: url_for("static", filename=filename, v=versions.get(filename)),
        )

    app.add_template_global(static_url)
