"""Check a running deployment from outside, over HTTP(S), and say what to change.

    python3 deploy/deploy_check.py https://check.your-clinic.com/
    flask --app app deploy-check https://check.your-clinic.com/      (the same code)

Only the Python standard library: it runs on any machine with Python 3.9+, without
the app. It asks the deployment what anyone on the internet can ask, and nothing
else: TLS and HSTS, the redirect from HTTP, the security headers and CSP, an
unknown host name refused, ``/internal/`` and the readiness details not public,
the patient pages answering, a signed rule version deciding, the embed origins,
the booking links answering, the clinic's details no longer placeholders. Each
finding is printed with what to change; the exit status is 1 when there is any
finding, 0 when there is none.

It walks the questionnaire twice to read the booking links of the result pages (no
contact request is sent, so no lead is made; the anonymous counts see two checks).
Run it from another machine: from the server itself nginx rightly gives the full
readiness answer. ``--source-address`` picks the local address it connects from.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import ssl
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urljoin, urlsplit

#: Six months: the least max-age browsers' HSTS preload lists accept; the app sends a year.
HSTS_MIN_AGE = 15_552_000
#: A certificate closer than this to its end is a finding: certbot renews at 30 days left.
CERTIFICATE_MIN_DAYS = 14
#: What the shipped nginx site answers an unknown host name: nothing (444).
UNKNOWN_HOST = "unknown-host.invalid"
#: The seed page's clinic: the app's built-in defaults (core/config.py, CLINIC_DEFAULTS).
DEFAULT_CLINIC_NAME = "Trilogy Medical Center"
DEFAULT_CLINIC_HOST = "www.trilogymedicalcenter.com"
#: A healthy person's answers (the contract's example): the result offers the booking link.
HEALTHY = {
    "scar_types": ["rolling", "boxcar"],
    "scar_severity": "moderate",
    "active_acne": "none",
    "isotretinoin": "never",
    "pregnant_or_breastfeeding": False,
    "keloid_history": False,
    "bleeding_disorder_or_anticoagulants": False,
    "immunosuppressed": False,
    "active_skin_infection_in_area": False,
    "cold_sores_history": False,
    "skin_cancer_in_area": False,
    "radiation_to_area_within_year": False,
    "diabetes": "none",
    "eczema_psoriasis_rosacea_in_area": "none",
    "recent_sunburn_or_tan": False,
    "metal_allergy": False,
    "anaesthetic_allergy": False,
    "connective_tissue_disease": False,
    "recent_facial_procedure": False,
    "fitzpatrick": "II",
    "age": 28,
}
#: One answer changed: the result offers the medical-review booking link instead.
NEEDS_REVIEW = {**HEALTHY, "cold_sores_history": True}
#: The page notice of a copy whose rules nobody signed (never shown in production).
NOT_FOR_PATIENTS = "Rules not yet signed off: not for patients."

SITE = "deploy/nginx/screening.conf"


@dataclass
class Finding:
    check: str
    problem: str
    change: str


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Report:
    """What the checks found, and what they saw right (printed as they go)."""

    findings: list[Finding] = field(default_factory=list)
    out: Callable[[str], None] = print

    def ok(self, check: str, message: str) -> None:
        self.out(f"  ok    {check}: {message}")

    def note(self, check: str, message: str) -> None:
        self.out(f"  note  {check}: {message}")

    def finding(self, check: str, problem: str, change: str) -> None:
        self.findings.append(Finding(check, problem, change))
        self.out(f"  FAIL  {check}: {problem}\n        change: {change}")


class Target:
    """The deployment's address, and how to reach it (CA file, source address)."""

    def __init__(
        self,
        url: str,
        http_url: str | None = None,
        cafile: str | None = None,
        source_address: str | None = None,
        timeout: float = 10,
    ):
        parts = urlsplit(url if "://" in url else f"https://{url}")
        self.scheme = parts.scheme
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.scheme == "https" else 80)
        self.netloc = parts.netloc
        self.base = f"{self.scheme}://{self.netloc}"
        self.http_url = (http_url or f"http://{self.host}/").rstrip("/")
        self.cafile = cafile
        self.source = (source_address, 0) if source_address else None
        self.timeout = timeout

    def context(self, verify: bool = True) -> ssl.SSLContext:
        context = ssl.create_default_context()  # the system's CAs, and the given one too
        if self.cafile:
            context.load_verify_locations(cafile=self.cafile)
        if not verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def connect(self, host: str, port: int, tls: bool, server_name: str | None = None):
        raw = socket.create_connection((host, port), self.timeout, self.source)
        if not tls:
            return raw
        try:
            return self.context().wrap_socket(raw, server_hostname=server_name or host)
        except BaseException:
            raw.close()
            raise

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        host_header: str | None = None,
    ) -> Reply:
        """One request, no redirect followed; ``url`` is absolute or a path of the target."""
        parts = urlsplit(url if "://" in url else self.base + url)
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        connection = http.client.HTTPConnection(parts.hostname, port, timeout=self.timeout)
        connection.sock = self.connect(parts.hostname or "", port, tls)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                method,
                target,
                body=body,
                headers={
                    "Host": host_header or parts.netloc,
                    "User-Agent": "screening-deploy-check",
                    **(headers or {}),
                },
            )
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def follow(self, url: str, hops: int = 5) -> tuple[Reply, str]:
        """GET ``url``, following redirects (another host's too): the last answer and URL."""
        for _ in range(hops):
            reply = self.request("GET", url)
            if reply.status not in (301, 302, 303, 307, 308) or not reply.header("Location"):
                return reply, url
            url = urljoin(url, reply.header("Location"))
        return reply, url


# --- the clinic's details: the rules of core/clinic_details.py, for a page's text -------

_RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")
_EXAMPLE_LABEL = re.compile(r"(^|\.)example(-[a-z0-9-]*)?\.", re.IGNORECASE)


def is_example_host(host: str) -> bool:
    """example.com, www.example-clinic.com, clinic.test, localhost: not a real address."""
    host = host.strip().lower().rstrip(".")
    return (
        not host
        or host == "localhost"
        or host.endswith(_RESERVED_SUFFIXES)
        or bool(_EXAMPLE_LABEL.search(host + "."))
    )


def is_fictitious_phone(phone: str) -> bool:
    """A North American number of the 555 range kept for fiction, or no number at all."""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if not digits:
        return True
    return len(digits) == 10 and (digits[:3] == "555" or digits[3:8] == "55501")


# --- the checks -----------------------------------------------------------------------


def check_tls(target: Target, report: Report) -> None:
    if target.scheme != "https":
        report.finding(
            "tls",
            f"{target.base} is plain HTTP: answers and contact details would cross the "
            "network readable by anyone on the way",
            "give the https:// address; serve the check with nginx and a certificate "
            "(deploy/install)",
        )
        return
    try:
        with target.connect(target.host, target.port, tls=True) as sock:
            certificate = sock.getpeercert() or {}
            version = sock.version()
    except ssl.SSLCertVerificationError as error:
        report.finding(
            "tls",
            f"the certificate of {target.host} is not trusted: {error.verify_message}",
            "install a certificate for this name with its full chain: deploy/install gets "
            "one from Let's Encrypt, or give yours with --certificate and --key",
        )
        return
    except (OSError, ssl.SSLError) as error:
        report.finding(
            "tls",
            f"no TLS connection to {target.host}:{target.port}: {error}",
            "start nginx with the site (systemctl status nginx; nginx -t) and open port 443",
        )
        return
    ends = parsedate_to_datetime(certificate["notAfter"]) if "notAfter" in certificate else None
    days = (ends.timestamp() - time.time()) / 86400 if ends else 0
    if days < CERTIFICATE_MIN_DAYS:
        report.finding(
            "tls",
            f"the certificate ends in {days:.0f} days ({certificate.get('notAfter')})",
            "renew it: certbot renew (check certbot.timer: systemctl list-timers certbot), "
            "or install the clinic's new certificate and reload nginx",
        )
    else:
        report.ok("tls", f"certificate trusted for {target.host}, {days:.0f} days left, {version}")


def check_hsts(target: Target, report: Report, home: Reply | None) -> None:
    if home is None:
        return
    value = home.header("Strict-Transport-Security")
    match = re.search(r"max-age=(\d+)", value)
    if not match:
        report.finding(
            "hsts",
            "no Strict-Transport-Security header: a browser may be led to plain HTTP",
            "the app sends it on HTTPS requests: nginx must pass "
            "'proxy_set_header X-Forwarded-Proto $scheme;' and must not hide the header "
            f"({SITE}); TRUSTED_PROXIES=1 in /etc/screening/env",
        )
    elif int(match.group(1)) < HSTS_MIN_AGE:
        report.finding(
            "hsts",
            f"Strict-Transport-Security max-age is {match.group(1)} s, under six months",
            "send the app's own header (a year), not one set in nginx",
        )
    else:
        report.ok("hsts", value)


def check_redirect(target: Target, report: Report) -> None:
    probe = "/check/start?deploy-check=1"
    try:
        reply = target.request("GET", target.http_url + probe)
    except OSError as error:
        report.finding(
            "redirect",
            f"{target.http_url}/ does not answer ({error}): a name typed without https:// "
            "finds nothing",
            "open port 80 to nginx: the site's port-80 server redirects to HTTPS "
            "(and serves certbot's renewals)",
        )
        return
    expected = target.base + probe
    location = reply.header("Location")
    if reply.status in (301, 308) and location == expected:
        report.ok("redirect", f"{target.http_url}/ sends {reply.status} to {target.base}/")
    else:
        report.finding(
            "redirect",
            f"plain HTTP answered {reply.status} {location or ''} instead of a permanent "
            f"redirect to {expected}",
            f"use the site's port-80 server ({SITE}): 'return 301 https://HOST$request_uri;'",
        )


def check_headers(report: Report, home: Reply | None) -> None:
    if home is None:
        return
    policy = home.header("Content-Security-Policy")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.split()}
    problems = []
    if directives.get("default-src") != ["'self'"]:
        problems.append("Content-Security-Policy lacks default-src 'self'")
    if "'unsafe-inline'" in policy or "'unsafe-eval'" in policy:
        problems.append("Content-Security-Policy allows inline or eval'd script")
    if directives.get("frame-ancestors") != ["'none'"] and home.header("X-Frame-Options") != "DENY":
        problems.append("the page may be framed by any site (no frame-ancestors 'none')")
    if home.header("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if home.header("Referrer-Policy") != "no-referrer":
        problems.append("Referrer-Policy is not no-referrer (page URLs carry answers)")
    if re.search(r"\d", home.header("Server")):
        problems.append(f"the Server header names a version ({home.header('Server')})")
    if problems:
        report.finding(
            "headers",
            "; ".join(problems),
            "the app sets these on every answer: let nginx pass them unchanged (no "
            f"proxy_hide_header or add_header of them), and keep 'server_tokens off;' ({SITE})",
        )
    else:
        report.ok("headers", "CSP default-src 'self', no framing, nosniff, no-referrer")


def check_unknown_host(target: Target, report: Report) -> None:
    try:
        reply = target.request("GET", "/", host_header=UNKNOWN_HOST)
    except (OSError, http.client.HTTPException):
        answered = None  # the connection was closed without an answer: nginx's 444
    else:
        answered = reply.status
    if answered is not None and answered < 400:
        report.finding(
            "unknown-host",
            f"a request for Host: {UNKNOWN_HOST} was answered {answered}: the app serves "
            "any name a client sends",
            "keep the site's default server ('return 444;', "
            f"'ssl_reject_handshake on;', {SITE}) and remove Debian's default site",
        )
        return
    try:
        raw = socket.create_connection((target.host, target.port), target.timeout, target.source)
        with target.context(verify=False).wrap_socket(raw, server_hostname=UNKNOWN_HOST):
            handshake = True
    except (OSError, ssl.SSLError):
        handshake = False
    if handshake and target.scheme == "https":
        report.finding(
            "unknown-host",
            f"a TLS handshake for {UNKNOWN_HOST} succeeds (it shows the clinic's certificate "
            "to any scanner)",
            f"keep 'ssl_reject_handshake on;' in the site's default server ({SITE})",
        )
        return
    report.ok("unknown-host", f"Host: {UNKNOWN_HOST} gets no page, its TLS handshake refused")


def check_internal(target: Target, report: Report) -> None:
    public = []
    for path in ("/internal/metrics", "/internal/"):
        try:
            reply = target.request("GET", path)
        except (OSError, http.client.HTTPException):
            continue
        if reply.status < 400 or "screening_" in reply.text:
            public.append(f"{path} answered {reply.status}")
    if public:
        report.finding(
            "internal",
            "; ".join(public) + " from outside: the metrics are for the machine itself",
            f"in the HTTPS server of the site, 'location /internal/ {{ return 404; }}' ({SITE})",
        )
    else:
        report.ok("internal", "/internal/ is not served")


def check_readiness(target: Target, report: Report) -> None:
    try:
        reply = target.request("GET", "/readyz")
        body = json.loads(reply.body or b"{}")
    except (OSError, http.client.HTTPException, ValueError) as error:
        report.finding(
            "readiness",
            f"/readyz did not answer JSON ({error})",
            f"proxy /readyz to the app as the site does ({SITE})",
        )
        return
    if not isinstance(body, dict) or set(body) - {"status"}:
        report.finding(
            "readiness",
            f"/readyz answers its details to anyone ({', '.join(sorted(body))}): the rule "
            "file's hash, its sign-off and the database's state",
            "send everyone but the machine itself to /readyz?brief: the site's "
            f"'map $remote_addr $screening_readiness_uri' and 'location = /readyz' ({SITE})",
        )
    else:
        report.ok("readiness", f"/readyz says only {body} ({reply.status})")


def check_pages(target: Target, report: Report) -> Reply | None:
    """The intro page, the start of the check and the privacy notice; the intro page's
    answer for the header checks."""
    home = None
    failing = []
    for path, expected in (("/", 200), ("/check/start", 303), ("/privacy", 200)):
        try:
            reply = target.request("GET", path)
        except (OSError, http.client.HTTPException) as error:
            failing.append(f"{path}: {error}")
            continue
        if path == "/":
            home = reply
        if reply.status != expected:
            failing.append(f"{path} answered {reply.status}, not {expected}")
    if failing:
        report.finding(
            "pages",
            "; ".join(failing),
            "see the instances' log (journalctl -u 'screening@*'); a 503 on every page "
            "with the rules check below failing means no signed rule version yet",
        )
    else:
        report.ok("pages", "/, /check/start and /privacy answer")
    return home


def check_rules(target: Target, report: Report, home: Reply | None) -> None:
    try:
        reply = target.request(
            "POST",
            "/api/v1/assessments",
            json.dumps(HEALTHY).encode(),
            {"Content-Type": "application/json"},
        )
    except (OSError, http.client.HTTPException) as error:
        report.finding("rules", f"the assessment API did not answer: {error}", "see the log")
        return
    if reply.status == 503:
        report.finding(
            "rules",
            "no signed rule version decides: patients are told the check is not available",
            "the clinic's clinical lead signs the deployed rules off in the console's Rule "
            "book (or: flask --app app rules sign EMAIL --registration NUMBER); "
            "docs/clinic-guide.md, 'Signing the rules off'",
        )
        return
    if home is not None and NOT_FOR_PATIENTS in home.text:
        report.finding(
            "rules",
            "the pages say the rules are not for patients: this copy is not in production "
            "mode or decides with unsigned rules",
            "set APP_ENV=production in /etc/screening/env and have the rules signed off",
        )
        return
    try:
        decision = json.loads(reply.body)
    except ValueError:
        decision = {}
    rulebase = decision.get("rulebase") if isinstance(decision, dict) else None
    if reply.status == 200 and isinstance(rulebase, dict):
        report.ok(
            "rules",
            f"rule version {rulebase.get('version')} (sha256 {str(rulebase.get('sha256'))[:12]}…)"
            f" decides: a healthy example gets {decision.get('outcome')}",
        )
    elif reply.status == 422:
        report.note("rules", "a signed version decides, but it refused this check's example")
    else:
        report.finding(
            "rules",
            f"the assessment API answered {reply.status}",
            "see the instances' log (journalctl -u 'screening@*')",
        )


def _walk(target: Target, answers: dict) -> Reply | None:
    """The questionnaire, as a browser without JavaScript answers it: its result page."""
    reply = target.request("GET", "/check/start")
    location = reply.header("Location")
    for _ in range(20):
        if reply.status != 303 or not location:
            return None
        url = urljoin(target.base + "/", location)
        page = target.request("GET", url)
        if "/check/result" in urlsplit(url).path:
            return page
        token = re.search(r'name="s" value="([^"]+)"', page.text)
        if page.status != 200 or not token:
            return None
        fields: list[tuple[str, str]] = [("s", token.group(1))]
        for name, value in answers.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                text = ("yes" if item else "no") if isinstance(item, bool) else str(item)
                fields.append((name, text))
        reply = target.request(
            "POST",
            urlsplit(url).path,
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        location = reply.header("Location")
    return None


def _link_problem(target: Target, url: str) -> str | None:
    host = urlsplit(url).hostname or ""
    if not url.startswith("https://"):
        return f"{url} is not an https:// address"
    if is_example_host(host):
        return f"{url} is an example address"
    if host == DEFAULT_CLINIC_HOST:
        return f"{url} is the built-in example clinic's page"
    try:
        reply, last = target.follow(url)
    except (OSError, http.client.HTTPException) as error:
        return f"{url} does not answer ({error})"
    if reply.status >= 400:
        return f"{url} answers {reply.status}" + (f" (at {last})" if last != url else "")
    return None


def check_booking(target: Target, report: Report) -> list[str]:
    """The result pages' next-step links; returns the links found."""
    links, problems = [], []
    for answers, setting in ((HEALTHY, "BOOKING_URL"), (NEEDS_REVIEW, "MEDICAL_REVIEW_URL")):
        try:
            page = _walk(target, answers)
        except (OSError, http.client.HTTPException) as error:
            page, why = None, str(error)
        else:
            why = "the questionnaire did not reach a result page"
        link = page and re.search(r'<a [^>]*data-next-action[^>]*href="([^"#][^"]*)"', page.text)
        if not link:
            problems.append((setting, f"no {setting} link found: {why}"))
            continue
        url = link.group(1).replace("&amp;", "&")
        links.append(url)
        problem = _link_problem(target, url)
        if problem:
            problems.append((setting, problem))
    for setting, problem in problems:
        report.finding(
            "booking",
            problem,
            f"set {setting} in /etc/screening/env to the clinic's own page, then "
            "systemctl restart screening@8001 screening@8002",
        )
    if not problems:
        report.ok("booking", "the result pages' links answer: " + ", ".join(links))
    return links


def check_clinic(target: Target, report: Report, home: Reply | None) -> None:
    if home is None:
        return
    text = home.text
    name = re.search(r'class="clinic-name" href="([^"]*)">([^<]*)<', text)
    phone = re.search(r'<a class="phone" href="tel:[^"]*">([^<]*)</a>', text)
    problems = []
    if name:
        clinic_url, clinic_name = name.group(1), name.group(2).strip()
        host = urlsplit(clinic_url).hostname or ""
        if clinic_name == DEFAULT_CLINIC_NAME:
            problems.append(("CLINIC_NAME", f"the pages name {clinic_name}, the built-in example"))
        if host == DEFAULT_CLINIC_HOST:
            problems.append(("CLINIC_URL", f"the clinic's website is {clinic_url}, the "
                             "built-in example clinic's"))  # fmt: skip
        elif is_example_host(host):
            problems.append(("CLINIC_URL", f"the clinic's website is {clinic_url}, an example"))
    else:
        problems.append(("CLINIC_NAME", "the intro page names no clinic"))
    if phone is None or is_fictitious_phone(phone.group(1)):
        shown = phone.group(1) if phone else "none"
        problems.append(("CLINIC_PHONE", f"the clinic's phone is {shown}, a fictitious number"))
    for setting, problem in problems:
        report.finding(
            "clinic",
            problem,
            f"set {setting} in /etc/screening/env (docs/configuration.md, 'The clinic'), "
            "then systemctl restart screening@8001 screening@8002",
        )
    if not problems:
        report.ok("clinic", f"{name.group(2).strip()}, {phone.group(1)}, {name.group(1)}")


def check_embed(target: Target, report: Report) -> None:
    try:
        reply = target.request("GET", "/embed/")
    except (OSError, http.client.HTTPException) as error:
        report.finding("embed", f"/embed/ did not answer: {error}", "see the log")
        return
    policy = reply.header("Content-Security-Policy")
    match = re.search(r"frame-ancestors ([^;]*)", policy)
    origins = match.group(1).split() if match else []
    if not origins or origins == ["'none'"]:
        report.note(
            "embed",
            "no site may embed the check (EMBED_ALLOWED_ORIGINS is empty); set it to the "
            "clinic's site's origin if the check should appear in its pages",
        )
        return
    problems = [p for p in (_link_problem(target, origin + "/") for origin in origins) if p]
    if problems:
        report.finding(
            "embed",
            "an origin allowed to embed the check: " + "; ".join(problems),
            "list only the clinic's own https:// sites in EMBED_ALLOWED_ORIGINS "
            "(/etc/screening/env), then restart the instances",
        )
    else:
        report.ok("embed", "may be embedded by " + ", ".join(origins))


def run_checks(target: Target, out: Callable[[str], None] = print) -> list[Finding]:
    """Every check, in order; what each found is printed through ``out``."""
    report = Report(out=out)
    out(f"Checking {target.base}/ from outside:")
    check_tls(target, report)
    home = check_pages(target, report)
    check_hsts(target, report, home)
    check_redirect(target, report)
    check_headers(report, home)
    check_unknown_host(target, report)
    check_internal(target, report)
    check_readiness(target, report)
    check_rules(target, report, home)
    check_embed(target, report)
    check_booking(target, report)
    check_clinic(target, report, home)
    count = len(report.findings)
    out(f"{count} finding{'s' if count != 1 else ''}." if count else "No findings.")
    return report.findings


def options(arguments: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="deploy-check", description=__doc__.split("\n\n")[0].strip()
    )
    add_arguments(parser)
    return parser.parse_args(arguments)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", help="the deployment's address, e.g. https://check.clinic.com/")
    parser.add_argument(
        "--http-url", help="its plain-HTTP address (default: http://HOST/, port 80)"
    )
    parser.add_argument("--cafile", help="trust this CA file (a test certificate) as well")
    parser.add_argument("--source-address", help="the local address to connect from")
    parser.add_argument("--timeout", type=float, default=10, help="seconds per request")


def findings_for(
    url: str,
    http_url: str | None = None,
    cafile: str | None = None,
    source_address: str | None = None,
    timeout: float = 10,
    out: Callable[[str], None] = print,
) -> list[Finding]:
    return run_checks(Target(url, http_url, cafile, source_address, timeout), out)


def main(arguments: list[str] | None = None) -> int:
    given = options(arguments)
    findings = findings_for(
        given.url, given.http_url, given.cafile, given.source_address, given.timeout
    )
    return 1 if findings else 0


def names(findings: list[Finding]) -> Iterator[str]:
    """The checks that found something (what a test compares)."""
    return (finding.check for finding in findings)


if __name__ == "__main__":
    sys.exit(main())
