"""deploy/install, as a clinic's IT person runs it, written under a folder of the test's
(``--root``): the files it writes are what a Debian 12 server gets, checked by the real
nginx (``nginx -t``) and systemd (``systemd-analyze verify``); a second run changes
nothing; an edited env file is kept; the env it writes passes the app's production
start-up checks; a new release is an upgrade (migrations, then one instance at a time).

What cannot run here: apt-get, useradd, psql, certbot and systemctl against a real
system (the plan names them), and systemd as PID 1 (docs/production.md says how to try
it on a throwaway server).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy import installer
from deploy.stack import make_certificate

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "deploy" / "install"
SYSTEM_PYTHON = "/usr/bin/python3"  # not the venv's: the installer runs before there is one
HOST = "check.northside-skin.org"
CLINIC = {
    "--clinic-name": "Northside Skin Clinic",
    "--clinic-url": "https://www.northside-skin.org/",
    "--clinic-phone": "+44 20 7946 0958",
    "--clinic-email": "privacy@northside-skin.org",
    "--booking-url": "https://www.northside-skin.org/book/",
    "--medical-review-url": "https://www.northside-skin.org/review/",
}


def install(root: Path, *extra: str, release: Path | None = None) -> subprocess.CompletedProcess:
    command = [
        SYSTEM_PYTHON,
        "-I",
        str(INSTALL),
        "--root",
        str(root),
        "--host",
        HOST,
        "--email",
        "it@northside-skin.org",
        "--non-interactive",
        *extra,
    ]
    if release is not None:
        command += ["--release", str(release)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def snapshot(root: Path) -> dict[str, tuple]:
    """Every file, folder and link under ``root``: its bytes (or target) and mode."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        if path.is_symlink():
            found[relative] = ("link", str(path.readlink()))
        elif path.is_dir():
            found[relative] = ("dir", path.stat().st_mode)
        else:
            found[relative] = ("file", path.read_bytes(), path.stat().st_mode)
    return found


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """The clinic's own certificate (--certificate, --key): a self-signed one, by openssl."""
    return make_certificate(tmp_path_factory.mktemp("certificate"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory, certificate):
    """One first install under a folder: (the folder, what the installer printed)."""
    root = tmp_path_factory.mktemp("server")
    cert, key = certificate
    flags = [item for pair in CLINIC.items() for item in pair]
    result = install(
        root,
        "--certificate",
        str(cert),
        "--key",
        str(key),
        *flags,
        "--admin-email",
        "admin@northside-skin.org",
        "--admin-name",
        "Ana Admin",
    )
    return root, result.stdout


def test_a_first_install_writes_the_release_settings_units_and_site(installed):
    root, output = installed
    env_file = root / "etc/screening/env"
    settings = installer.read_env(env_file.read_text())
    assert env_file.stat().st_mode & 0o777 == 0o600  # systemd reads it as root; nobody else
    assert re.fullmatch(r"[0-9a-f]{64}", settings["SECRET_KEY"])
    assert settings["PUBLIC_BASE_URL"] == f"https://{HOST}"
    assert settings["CLINIC_NAME"] == "Northside Skin Clinic"
    assert settings["BOOKING_URL"] == "https://www.northside-skin.org/book/"
    assert settings["APP_ENV"] == "production"
    site = (root / "etc/nginx/sites-available/screening").read_text()
    assert installer.SHIPPED_HOST not in site
    assert f"server_name {HOST};" in site
    assert "ssl_certificate     /etc/screening/tls/fullchain.pem;" in site
    assert (root / "etc/nginx/sites-enabled/screening").readlink() == Path(
        "../sites-available/screening"
    )
    assert (root / "etc/screening/tls/privkey.pem").stat().st_mode & 0o777 == 0o600
    for unit in (ROOT / "deploy/systemd").iterdir():
        assert (root / "etc/systemd/system" / unit.name).read_bytes() == unit.read_bytes()
    assert (root / "srv/screening/app.py").read_bytes() == (ROOT / "app.py").read_bytes()
    assert not (root / "srv/screening/tests").exists()  # the release, not the repository
    # What a real system runs, in order, printed as the plan: nothing of it ran here.
    plan = [line.split("#")[0].strip() for line in output.splitlines() if "  plan  " in line]
    expected = [
        "apt-get install -y nginx postgresql redis-server python3-venv certbot openssl",
        "useradd --system",
        "pip install --require-hashes",
        "createuser screening",
        "createdb -O screening screening",
        "systemctl daemon-reload",
        "nginx -t",
        "systemctl restart screening-migrate.service",
        "systemctl enable --now screening-migrate.service screening@8001.socket",
        "flask --app app staff create admin@northside-skin.org --admin",
    ]
    positions = [next(i for i, line in enumerate(plan) if step in line) for step in expected]
    assert positions == sorted(positions), plan
    assert not any("certbot certonly" in line for line in plan)  # the clinic gave its own


def test_with_lets_encrypt_the_plan_has_certbot_s_two_passes(tmp_path):
    output = install(tmp_path).stdout
    site = (tmp_path / "etc/nginx/sites-available/screening").read_text()
    assert f"ssl_certificate     /etc/letsencrypt/live/{HOST}/fullchain.pem;" in site
    plan = [line for line in output.splitlines() if "  plan  " in line]
    standalone = next(i for i, line in enumerate(plan) if "certbot certonly --standalone" in line)
    webroot = next(i for i, line in enumerate(plan) if "certbot certonly --webroot" in line)
    started = next(i for i, line in enumerate(plan) if "enable --now nginx" in line)
    assert standalone < started < webroot  # the site needs the first certificate to start


def test_nginx_accepts_the_written_site(installed, tmp_path):
    """The written site under a main configuration like Debian's, as ``nginx -t`` sees it:
    only the paths on this machine change (the certificate's copy under the root folder,
    the access log), not a directive."""
    root, _ = installed
    site = (root / "etc/nginx/sites-available/screening").read_text()
    site = site.replace("/etc/screening/tls/", f"{root}/etc/screening/tls/")
    site = site.replace("/var/log/nginx/screening-access.log", str(tmp_path / "access.log"))
    (tmp_path / "site.conf").write_text(site)
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include /etc/nginx/mime.types;\n    include {tmp_path}/site.conf;\n}}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_systemd_verifies_the_written_units(installed, tmp_path):
    """``systemd-analyze verify --root``: a root folder with the written units, this
    machine's systemd units (sysinit.target, ...) and /usr/bin/kill, and the programs the
    units start, from the release's venv (gunicorn, flask). systemd does not run them."""
    root, _ = installed
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: apt-get install systemd"
    verify_root = tmp_path / "root"
    shutil.copytree(root / "etc/systemd/system", verify_root / "etc/systemd/system")
    shutil.copytree(
        "/usr/lib/systemd/system", verify_root / "usr/lib/systemd/system", symlinks=True
    )
    (verify_root / "usr/bin").mkdir(parents=True)
    shutil.copy2("/usr/bin/kill", verify_root / "usr/bin/kill")
    (verify_root / "bin").symlink_to("usr/bin")
    (verify_root / "lib").symlink_to("usr/lib")
    venv_bin = verify_root / "srv/screening/.venv/bin"
    venv_bin.mkdir(parents=True)
    for program in ("gunicorn", "flask"):
        shutil.copy2(Path(sys.prefix) / "bin" / program, venv_bin / program)
    units = [
        "screening@8001.service",
        "screening@8001.socket",
        "screening-migrate.service",
        "screening-outbox.service",
        "screening-outbox.timer",
        "screening-purge.service",
        "screening-purge.timer",
        "screening-exports.service",
        "screening-exports.timer",
    ]
    result = subprocess.run(
        [analyze, "verify", f"--root={verify_root}", *(f"/etc/systemd/system/{u}" for u in units)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_a_second_run_changes_nothing_and_says_so(installed, certificate):
    root, _ = installed
    before = snapshot(root)
    cert, key = certificate
    flags = [item for pair in CLINIC.items() for item in pair]
    output = install(root, "--certificate", str(cert), "--key", str(key), *flags).stdout
    assert snapshot(root) == before
    assert "  changed  " not in output
    assert "Nothing changed" in output
    assert "release already installed: no migration, no restart" in output
    assert "restart screening" not in output  # no migration, no instance restarted


def test_an_edited_env_file_is_never_overwritten(tmp_path):
    install(tmp_path, "--clinic-name", "Northside Skin Clinic")
    env_file = tmp_path / "etc/screening/env"
    edited = env_file.read_text().replace("Northside Skin Clinic", "Northside Skin") + "X=1\n"
    env_file.write_text(edited)
    output = install(tmp_path, "--clinic-name", "Northside Skin Clinic").stdout
    assert env_file.read_text() == edited
    assert "kept CLINIC_NAME=Northside Skin (asked: Northside Skin Clinic)" in output


def test_a_new_release_is_an_upgrade_migrations_then_one_instance_at_a_time(installed, tmp_path):
    root, _ = installed
    release = tmp_path / "release"
    shutil.copytree(root / "srv/screening", release, ignore=shutil.ignore_patterns("instance"))
    (release / "templates/questionnaire/intro.html").write_text("{# a new release #}\n")
    (release / "scripts/stack").unlink()
    try:
        output = install(root, release=release).stdout
        assert "1 files written, 1 removed" in output
        assert not (root / "srv/screening/scripts/stack").exists()
        plan = [line for line in output.splitlines() if "  plan  " in line]
        order = [
            next(i for i, line in enumerate(plan) if step in line)
            for step in (
                "restart screening-migrate.service",
                "restart screening@8001.service",
                "restart screening@8002.service",
            )
        ]
        assert order == sorted(order), plan
    finally:  # the module's install stays this checkout's release for the other tests
        install(root)


def test_the_written_env_passes_the_app_s_production_start_up_checks(installed):
    """The installed release's app, created with exactly the written env (its database
    and Redis are not reached at start-up), in a process of its own: no ConfigError, and
    no warning of a placeholder clinic detail. Without its SECRET_KEY it refuses."""
    root, _ = installed
    settings = installer.read_env((root / "etc/screening/env").read_text())
    script = "from app import create_app; app = create_app(); print(app.config['APP_ENV'])"

    def create(environment: dict[str, str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", script],
            cwd=root / "srv/screening",
            env={"PATH": "/usr/bin:/bin", **environment},
            capture_output=True,
            text=True,
            check=False,
        )

    started = create(settings)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "production"
    assert "to the clinic's own" not in started.stderr  # core/clinic_details.py's warning
    refused = create({k: v for k, v in settings.items() if k != "SECRET_KEY"})
    assert refused.returncode != 0
    assert "SECRET_KEY must be set" in refused.stderr


def test_an_unsupported_system_is_refused_before_anything_changes(tmp_path, monkeypatch):
    ubuntu = tmp_path / "os-release"
    ubuntu.write_text('PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nVERSION_ID="24.04"\n')
    monkeypatch.setattr(installer, "OS_RELEASE", ubuntu)
    options = argparse.Namespace(root=None, release=str(ROOT))
    with pytest.raises(installer.Refused) as refusal:
        installer.Installer(options, out=lambda _line: None).check_system()
    assert "supports Debian 12 only; this is Ubuntu 24.04 LTS" in refusal.value.message


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--host", "not a name", "--email", "a@b.org"], "is not a host name"),
        (["--host", HOST, "--email", "nobody"], "--email must be an email address"),
        (["--host", HOST, "--email", "a@b.org", "--key", "k.pem"], "--certificate and --key"),
        (["--host", HOST, "--email", "a@b.org", "--booking-url", "http://b.org/"], "https://"),
    ],
)
def test_wrong_flags_are_refused_before_anything_is_written(tmp_path, flags, message):
    result = subprocess.run(
        [SYSTEM_PYTHON, "-I", str(INSTALL), "--root", str(tmp_path / "server"), *flags],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "server").exists()


def test_at_a_terminal_it_asks_for_the_clinic_s_values_and_the_mail_password(tmp_path):
    """A first install without the flags asks, at a terminal (a pseudo-terminal here), for
    each value in turn; the answers, the password typed without echo, go to the env file."""
    import fcntl
    import os
    import pty
    import select
    import termios

    answers = {
        "The clinic's name": "Northside Skin Clinic",
        "The clinic's website": "https://www.northside-skin.org/",
        "The mail server (SMTP host name)": "smtp.northside-skin.org",
        "The mail server's password": "a mail password",
        "The first admin's email address": "admin@northside-skin.org",
        "The first admin's name": "Ana Admin",
    }
    controller, terminal = pty.openpty()

    def own_terminal() -> None:  # the pty becomes the installer's terminal (getpass uses it)
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [SYSTEM_PYTHON, "-I", str(INSTALL), "--root", str(tmp_path), "--host", HOST,
         "--email", "it@northside-skin.org"],
        stdin=terminal, stdout=terminal, stderr=terminal, preexec_fn=own_terminal,
    )  # fmt: skip
    os.close(terminal)
    seen, pending, answered = "", "", 0
    try:
        while process.poll() is None or select.select([controller], [], [], 0)[0]:
            if not select.select([controller], [], [], 10)[0]:
                break
            try:
                chunk = os.read(controller, 4096).decode(errors="replace")
            except OSError:  # the installer closed the terminal
                break
            seen, pending = seen + chunk, pending + chunk
            if pending.rstrip().endswith("(empty: later):"):  # a question, waiting
                question = pending.rstrip().rsplit("\n", 1)[-1].strip()
                reply = next((a for q, a in answers.items() if question.startswith(q)), "")
                answered += bool(reply)
                os.write(controller, reply.encode() + b"\r")
                pending = ""
    finally:
        process.wait(timeout=30)
        os.close(controller)
    assert process.returncode == 0, seen
    assert answered == len(answers), seen
    assert "a mail password" not in seen  # never echoed
    settings = installer.read_env((tmp_path / "etc/screening/env").read_text())
    assert settings["CLINIC_NAME"] == "Northside Skin Clinic"
    assert settings["SMTP_HOST"] == "smtp.northside-skin.org"
    assert settings["SMTP_PASSWORD"] == "a mail password"
    assert "CLINIC_PHONE" not in settings  # left empty: stays commented out
    assert "staff create admin@northside-skin.org --admin --name 'Ana Admin'" in seen
