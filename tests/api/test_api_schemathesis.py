"""Property-based tests of the API against its own OpenAPI document (schemathesis).

Every operation is called with generated requests, valid and invalid; no
response may be a server error, and every response must match the document:
status code, content type, headers and body schema.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from app import create_app

# A limit far above the generated requests (60 per operation): with the default
# RATELIMIT_API most cases would be answered 429 and test nothing else. The limiter
# still runs, and the documented 429 answer is tested in test_api.py.
app = create_app(
    {"TESTING": True, "SECRET_KEY": "schemathesis-key", "RATELIMIT_API": "100000 per minute"}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case):
    # The WSGI test transport does not decompress; real HTTP clients do.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})
