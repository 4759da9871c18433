"""The deployment check (deploy/deploy_check.py, and ``flask deploy-check``) against the
loopback stack: the shipped configuration has no finding; three deliberately wrong
deployments each have theirs, named. The wrong ones are a second nginx in front of the
same instances with one line of the shipped site removed (tests/deploy/deploy_support.py,
``nginx_variant``); the unsigned rules are in test_unsigned_production_stack.py.

The check runs from a loopback address of its own (``person()``), as from another
machine: nginx gives the full readiness answer to 127.0.0.1 alone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from deploy import deploy_check
from deploy.deploy_check import findings_for
from deploy.stack import HOST_NAME
from tests.deploy.deploy_support import nginx_variant, person, trusted_certificates

ROOT = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = "/usr/bin/python3"  # the script needs Python only, not the app's venv
CHECKS = ("tls", "pages", "hsts", "redirect", "headers", "unknown-host", "internal",
          "readiness", "rules", "embed", "booking", "clinic")  # fmt: skip


def addresses(https_port: int, http_port: int) -> list[str]:
    return [f"https://{HOST_NAME}:{https_port}/", "--http-url", f"http://{HOST_NAME}:{http_port}"]


def check(stack, clinic_site, tmp_path, https_port: int, http_port: int) -> tuple[list, str]:
    """The findings and the printed report, from the code the script and flask share."""
    lines: list[str] = []
    cafile = trusted_certificates(tmp_path, stack.certificate, clinic_site.certificate)
    findings = findings_for(
        f"https://{HOST_NAME}:{https_port}/", f"http://{HOST_NAME}:{http_port}", str(cafile),
        person(), out=lines.append,
    )  # fmt: skip
    return findings, "\n".join(lines)


def test_the_shipped_stack_has_no_finding(stack, clinic_site, tmp_path):
    cafile = trusted_certificates(tmp_path, stack.certificate, clinic_site.certificate)
    result = subprocess.run(
        [SYSTEM_PYTHON, "-I", str(ROOT / "deploy/deploy_check.py"),
         *addresses(stack.https_port, stack.http_port), "--cafile", str(cafile),
         "--source-address", person()],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("No findings.")
    for name in CHECKS:
        assert f"  ok    {name}: " in result.stdout, name
    assert "may be embedded by " + clinic_site.origin in result.stdout
    assert f"{clinic_site.origin}/book/, {clinic_site.origin}/review/" in result.stdout


def test_nginx_that_does_not_say_https_loses_hsts(stack, clinic_site, tmp_path, app):
    """Without X-Forwarded-Proto the app cannot know the request came over HTTPS, so it
    sends no HSTS: ``flask deploy-check`` names that, and only that, and exits 1."""
    forgets_https = "    proxy_set_header X-Forwarded-Proto $scheme;\n"
    with nginx_variant(stack, lambda site: site.replace(forgets_https, "")) as ports:
        cafile = trusted_certificates(tmp_path, stack.certificate, clinic_site.certificate)
        result = app.test_cli_runner().invoke(
            args=["deploy-check", *addresses(*ports), "--cafile", str(cafile),
                  "--source-address", person()],
        )  # fmt: skip
    assert result.exit_code == 1, result.output
    assert "  FAIL  hsts: no Strict-Transport-Security header" in result.output
    assert "X-Forwarded-Proto $scheme" in result.output  # what to change
    assert result.output.count("  FAIL  ") == 1, result.output
    assert result.output.rstrip().endswith("1 finding.")


def test_internal_endpoints_passed_on_by_nginx_are_found(stack, clinic_site, tmp_path):
    """Without nginx's 404 the app itself judges by the forwarded address, which is
    loopback here: the metrics come out, as they would for a neighbour on a trusted net."""
    blocks_internal = "    location /internal/ { return 404; }\n"
    with nginx_variant(stack, lambda site: site.replace(blocks_internal, "")) as ports:
        findings, report = check(stack, clinic_site, tmp_path, *ports)
    assert [finding.check for finding in findings] == ["internal"], report
    assert "/internal/metrics answered 200" in findings[0].problem
    assert "location /internal/ { return 404; }" in findings[0].change


def test_the_check_judges_the_clinic_s_details_as_the_app_does():
    """The script cannot import the app, so it has its own copy of core/clinic_details.py's
    two rules: they must agree on every kind of value."""
    from core import clinic_details

    hosts = ["example.com", "www.example-clinic.com", "clinic.test", "localhost", "a.local",
             "www.northside-skin.org", "127.0.0.1", "examples.org", ""]  # fmt: skip
    phones = ["+1 (555) 010-0199", "+1 212 555 0100", "+44 20 7946 0958", "", "555-0142",
              "+1 212 736 5000"]  # fmt: skip
    for host in hosts:
        assert deploy_check.is_example_host(host) == clinic_details.is_example_host(host), host
    for phone in phones:
        assert deploy_check.is_fictitious_phone(phone) == clinic_details.is_fictitious_phone(
            phone
        ), phone


def test_the_script_and_its_wrapper_say_how_to_use_them():
    for program in ("deploy/deploy_check.py", "deploy/deploy-check"):
        result = subprocess.run(
            [SYSTEM_PYTHON, "-I", str(ROOT / program), "--help"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert "--source-address" in result.stdout
