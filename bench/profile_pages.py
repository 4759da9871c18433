"""Where a request's time goes: pyinstrument over many requests to one route, in process.

    python bench/profile_pages.py [step|step_post|result|contact|api|intro|hello] [--requests 500]
                                  [--postgresql] [--all]

Runs the app in this process (no server, no network), so the profile shows only
the app's own work per request, which is what stands between a route and the
"hello" ceiling in bench/http_bench.py. Prints pyinstrument's call tree.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from pyinstrument import Profiler

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from http_bench import HEALTHY, SECRET, recreate_postgres_database, tokens, unique_tokens  # noqa: E402

from bench.hello_app import create_app  # noqa: E402 - the app with the hello route


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("route", nargs="?", default="step")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument(
        "--postgresql", action="store_true", help="on a fresh PostgreSQL database benchweb"
    )
    parser.add_argument("--all", action="store_true", help="show every frame, libraries too")
    options = parser.parse_args()
    folder = tempfile.mkdtemp()
    database_url = (
        recreate_postgres_database().replace("postgresql://", "postgresql+psycopg://")
        if options.postgresql
        else f"sqlite:///{folder}/profile.sqlite3"
    )
    app = create_app(
        {
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "AUTO_MIGRATE": True,
            "RATELIMIT_ENABLED": False,
            "CONTACT_MIN_SECONDS": 0,  # contact requests sent the moment their token is made
        },
        instance_path=folder,
    )
    client = app.test_client()
    state = tokens()
    contacts = iter(unique_tokens(options.requests + 10))
    requests = {
        "hello": lambda: client.get("/__bench/hello"),
        "intro": lambda: client.get("/"),
        "step": lambda: client.get(f"/check/skin?s={state['after_scars']}"),
        "step_post": lambda: client.post(
            "/check/scars",
            data={"s": state["after_scars"], "scar_types": ["rolling"], "scar_severity": "mild"},
        ),
        "result": lambda: client.get(f"/check/result?s={state['complete']}"),
        "contact": lambda: client.post(
            "/check/contact",
            data={
                "s": next(contacts),
                "name": "P",
                "email": "p@example.com",
                "contact_time": "any",
                "consent": "y",
            },
        ),
        "api": lambda: client.post(
            "/api/v1/assessments", data=json.dumps(HEALTHY), content_type="application/json"
        ),
    }
    send = requests[options.route]
    for _ in range(10):  # warm up: templates compiled, caches filled
        assert send().status_code < 400
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(options.requests):
            send()
    print(profiler.output_text(unicode=True, color=False, show_all=options.all))


if __name__ == "__main__":
    main()
