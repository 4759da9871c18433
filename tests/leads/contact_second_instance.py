"""A second app instance, in a process of its own, posting contact forms (for the limit tests).

Run as ``python contact_second_instance.py`` with a JSON object on stdin:
{"settings": {...}, "instance": "...", "posts": [{"data": {...}, "address": "..."}]};
prints the JSON list of the answers' status codes. Nothing is shared with the
test's own instance but what real instances share: the database and Redis.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from app import create_app

    job = json.load(sys.stdin)
    app = create_app(job["settings"], instance_path=job["instance"])
    client = app.test_client()
    statuses = [
        client.post(
            "/check/contact", data=post["data"], environ_base={"REMOTE_ADDR": post["address"]}
        ).status_code
        for post in job["posts"]
    ]
    print(json.dumps(statuses))


if __name__ == "__main__":
    main()
