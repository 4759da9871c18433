#!/usr/bin/env bash
# Security scan with wapiti3 against the app under gunicorn on loopback.
# A manual security check, not part of scripts/test (wapiti3 is heavy): it lives
# in its own virtualenv, bench/.venv-wapiti (git-ignored), created on first run.
#
#   bench/wapiti_scan.sh [seconds, default 900]
#
# Modules: xss, sql (error-based SQL injection), exec, csrf, http_headers,
# cookieflags and csp (wapiti 3.2.3, the newest that runs on Python 3.11).
# Prints wapiti's text report; exits non-zero when gunicorn cannot start.
set -euo pipefail
cd "$(dirname "$0")/.."
max_seconds="${1:-900}"

if [ ! -x bench/.venv-wapiti/bin/wapiti ]; then
  python3 -m venv bench/.venv-wapiti
  bench/.venv-wapiti/bin/pip install --quiet --disable-pip-version-check wapiti3==3.2.3
fi
[ -x .venv/bin/gunicorn ] || { echo "run ./scripts/test or ./scripts/run first (.venv)"; exit 1; }

work="$(mktemp -d)"
port="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# Production-like settings on a throw-away SQLite file; rate limits off so the
# scanner is not simply refused with 429 (each limit is tested in the suite), and no
# time floor on the contact form, which a crawler reaches in a second.
export APP_ENV=staging SECRET_KEY="wapiti-$(date +%s)-not-a-real-secret-key-xxxxxxxx" \
  SESSION_COOKIE_SECURE=0 DATABASE_URL="sqlite:///$work/scan.sqlite3" AUTO_MIGRATE=0 \
  RATELIMIT_ENABLED=0 CONTACT_MIN_SECONDS=0
.venv/bin/flask --app app db upgrade >/dev/null 2>&1  # once, before the workers start
.venv/bin/gunicorn --workers 2 --bind "127.0.0.1:$port" --log-level warning \
  'app:create_app()' &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.2
done

# The start URL and a finished questionnaire's result page (with its contact
# form), so the crawler reaches every public form.
result="$(.venv/bin/python - "$port" <<'PY'
import re, sys, urllib.request
from urllib.parse import urlencode, urljoin
base = f"http://127.0.0.1:{sys.argv[1]}"
sys.path[:0] = ["bench", "."]
from load import step_fields
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args): return None
opener = urllib.request.build_opener(NoRedirect)
def go(method, url, data=None):
    try:
        return opener.open(urllib.request.Request(url, data=data, method=method))
    except urllib.error.HTTPError as e:
        return e
url = urljoin(base, go("GET", base + "/check/start").headers["Location"])
while "/check/result" not in url:
    step = url.split("?")[0].rsplit("/", 1)[1]
    token = re.search(r'name="s" value="([^"]+)"', go("GET", url).read().decode()).group(1)
    body = urlencode([("s", token), *step_fields(step)]).encode()
    url = urljoin(base, go("POST", url.split("?")[0], body).headers["Location"])
print(url)
PY
)"

report="test-artifacts/wapiti"
mkdir -p "$report"
bench/.venv-wapiti/bin/wapiti \
  -u "http://127.0.0.1:$port/" \
  -s "$result" \
  -s "http://127.0.0.1:$port/staff/sign-in" \
  -s "http://127.0.0.1:$port/embed/" \
  --scope domain \
  -m "xss,sql,exec,csrf,http_headers,cookieflags,csp" \
  --flush-session --max-scan-time "$max_seconds" --max-attack-time 120 --tasks 4 \
  -f txt -o "$report/report.txt" >"$report/wapiti.log" 2>&1 || true
cat "$report/report.txt"
