"""Install or upgrade the screening app on a Debian 12 server: what deploy/install runs.

    deploy/install --host check.your-clinic.com --email it@your-clinic.com
    deploy/install --root /tmp/try --host check.your-clinic.com --email it@your-clinic.com

As root on Debian 12, from a release's folder (a clone or an unpacked release): the
Debian packages, the system user, the release in /srv/screening with its venv (pip
with --require-hashes), the PostgreSQL role and database, /etc/screening/env with a
generated SECRET_KEY and the clinic's values (from flags, or asked), the systemd
units and timers, the certificate (Let's Encrypt in certbot's two passes, or the
clinic's own with --certificate and --key), the nginx site, the migrations and the
first admin account (its password asked by ``flask staff create``).

Run again, it changes nothing that is right and says what it changed; an existing
/etc/screening/env is never rewritten. Run from a newer release, it upgrades: the
files, the venv when requirements.txt changed, the migrations (the deploy step,
under the migrations' lock), then the two instances one at a time.

``--root DIR`` writes every file under DIR instead of / and runs nothing: the
commands a real system needs (apt-get, useradd, psql, certbot, systemctl) are
printed as the plan. It runs anywhere, as any user; tests/deploy/test_install.py
uses it. Only the standard library: it runs before the venv exists.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import http.client
import os
import re
import secrets
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent  # the release this script belongs to
OS_RELEASE = Path("/etc/os-release")
PACKAGES = ("nginx", "postgresql", "redis-server", "python3-venv", "certbot", "openssl")
USER = "screening"
DATABASE = "screening"
RELEASE = Path("/srv/screening")
ENV_DIR = Path("/etc/screening")
ENV_FILE = ENV_DIR / "env"
TLS_DIR = ENV_DIR / "tls"
STATE_DIR = Path("/var/lib/screening-install")
RELEASE_STAMP = STATE_DIR / "release.sha256"  # the release last installed in full
REQUIREMENTS_STAMP = STATE_DIR / "requirements.sha256"  # the venv's last pip install
UNIT_DIR = Path("/etc/systemd/system")
SITE = Path("/etc/nginx/sites-available/screening")
SITE_LINK = Path("/etc/nginx/sites-enabled/screening")
DEBIAN_SITE = Path("/etc/nginx/sites-enabled/default")
WEBROOT = Path("/var/www/letsencrypt")
LETSENCRYPT = Path("/etc/letsencrypt")
INSTANCES = (8001, 8002)  # deploy/nginx/screening.conf's upstream lists the same ports
TIMERS = ("screening-outbox.timer", "screening-purge.timer", "screening-exports.timer")
SHIPPED_HOST = "check.example-clinic.com"
#: What a release folder holds that is not the release: never copied, never removed.
NOT_RELEASE = {".git", ".venv", "node_modules", "instance", "__pycache__", ".pytest_cache",
               ".ruff_cache", ".hypothesis", "test-artifacts", ".ci", "tests", "bench"}  # fmt: skip
KEPT_IN_RELEASE = {".venv", "instance"}  # the target's own, left alone by the copy
# Two constants of this file, never input: bandit's B608 reads any formatted SQL as a risk.
ROLE_QUERY = f"SELECT 1 FROM pg_roles WHERE rolname = '{USER}'"  # noqa: S608  # nosec B608
DATABASE_QUERY = f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"  # noqa: S608  # nosec B608
ADMIN_QUERY = "SELECT 1 FROM staff_users WHERE role = 'admin' LIMIT 1"
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

#: The env file's settings the installer asks for (flag, setting, question).
CLINIC_VALUES = (
    ("clinic_name", "CLINIC_NAME", "The clinic's name, as patients see it"),
    ("clinic_url", "CLINIC_URL", "The clinic's website (https://...)"),
    ("clinic_phone", "CLINIC_PHONE", "The clinic's phone number"),
    ("clinic_email", "CLINIC_EMAIL", "Where people write about their data (email)"),
    ("booking_url", "BOOKING_URL", "The page where people book a consultation (https://...)"),
    ("medical_review_url", "MEDICAL_REVIEW_URL", "The page to book a medical review (https://...)"),
    ("embed_origins", "EMBED_ALLOWED_ORIGINS", "Sites that embed the check (https://..., a,b)"),
    ("notify_email", "CLINIC_NOTIFY_EMAIL", "Who gets an email for each new contact request"),
    ("smtp_host", "SMTP_HOST", "The mail server (SMTP host name)"),
    ("smtp_user", "SMTP_USER", "The mail server's user name"),
    ("mail_from", "MAIL_FROM", "The address the emails come from"),
    ("webhook_url", "WEBHOOK_URL", "A webhook for new leads (https://..., optional)"),
)  # fmt: skip


class Refused(SystemExit):
    """The installer stops before changing anything, and says why (exit status 2)."""

    def __init__(self, message: str):
        super().__init__(2)
        self.message = message


class Installer:
    """Each step compares what is there with what should be, and changes only the difference.

    ``changed`` lists what this run changed; in ``--root`` mode ``plan`` lists the
    commands a real system would run, which are never run here.
    """

    def __init__(self, options: argparse.Namespace, out: Callable[[str], None] = print):
        self.options = options
        self.root: Path | None = Path(options.root).resolve() if options.root else None
        self.out = out
        self.changed: list[str] = []
        self.plan: list[str] = []
        self.source = Path(options.release).resolve()  # the release being installed
        self.release_changed = False
        self.first_install = False
        self.fingerprint = ""
        self.first_certificate = False

    # --- where things go, and how they change ---------------------------------------

    def path(self, system_path: Path) -> Path:
        """Where a system path is written: itself, or under --root."""
        return self.root / system_path.relative_to("/") if self.root else system_path

    def change(self, what: str) -> None:
        self.changed.append(what)
        self.out(f"  changed  {what}")

    def unchanged(self, what: str) -> None:
        self.out(f"  ok       {what}")

    def run(self, command: list[str], why: str, **options) -> subprocess.CompletedProcess | None:
        """Run a command of the real system (printed as the plan under --root)."""
        line = shlex.join(command)
        if self.root:
            self.plan.append(line)
            self.out(f"  plan     {line}    # {why}")
            return None
        self.out(f"  run      {line}    # {why}")
        result = subprocess.run(command, check=False, **options)  # noqa: S603 - fixed lists
        if result.returncode != 0:
            raise Refused(f"{line} failed ({result.returncode}): {why}")
        return result

    def ask(self, command: list[str]) -> str | None:
        """A read-only query of the real system (its output); None under --root."""
        if self.root:
            return None
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        return result.stdout.strip() if result.returncode == 0 else ""

    def directory(self, system_path: Path, mode: int = 0o755) -> None:
        target = self.path(system_path)
        if target.is_dir():
            return
        target.mkdir(parents=True, mode=mode)
        target.chmod(mode)
        self.change(f"{system_path}/ (created)")

    def write(self, system_path: Path, data: bytes, mode: int = 0o644) -> bool:
        """Write the file unless it already holds exactly ``data`` with ``mode``."""
        target = self.path(system_path)
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            if target.stat().st_mode & 0o777 != mode:
                target.chmod(mode)
                self.change(f"{system_path} (mode {mode:o})")
                return True
            self.unchanged(str(system_path))
            return False
        existed = target.exists()
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.new")
        temporary.unlink(missing_ok=True)
        # Created with its mode: a secret (the env file, a key) is never readable, even briefly.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        temporary.chmod(mode)
        temporary.replace(target)
        self.change(f"{system_path} ({'updated' if existed else 'new'})")
        return True

    def link(self, system_path: Path, points_to: str) -> bool:
        target = self.path(system_path)
        if target.is_symlink() and os.readlink(target) == points_to:
            self.unchanged(f"{system_path} -> {points_to}")
            return False
        if target.exists() or target.is_symlink():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(points_to)
        self.change(f"{system_path} -> {points_to}")
        return True

    def remove(self, system_path: Path, why: str) -> bool:
        target = self.path(system_path)
        if not (target.exists() or target.is_symlink()):
            return False
        target.unlink()
        self.change(f"{system_path} removed ({why})")
        return True

    @property
    def staging(self) -> list[str]:
        """certbot's test certificates (a throwaway server: no rate limit, not trusted)."""
        return ["--test-cert"] if self.options.certbot_staging else []

    # --- the steps ------------------------------------------------------------------

    def check_system(self) -> None:
        if self.root:
            self.out(f"Writing every file under {self.root}; running nothing (--root).")
            return
        os_release = OS_RELEASE
        facts = read_env(os_release.read_text()) if os_release.exists() else {}
        if facts.get("ID") != "debian" or facts.get("VERSION_ID") != "12":
            raise Refused(
                f"this installer supports Debian 12 only; this is "
                f"{facts.get('PRETTY_NAME', 'an unknown system')}. Install by hand "
                "(docs/production.md), or write the files for review with --root DIR."
            )
        if os.geteuid() != 0:
            raise Refused("run it as root (sudo deploy/install ...): it installs packages")

    def packages(self) -> None:
        missing = []
        for package in PACKAGES:
            status = self.ask(["dpkg-query", "-W", "-f=${Status}", package])
            if status is None or not status.endswith("installed"):
                missing.append(package)
        if self.root:
            self.run(["apt-get", "install", "-y", *PACKAGES], "the Debian packages, if missing")
        elif missing:
            self.run(["apt-get", "update"], "the package lists")
            self.run(["apt-get", "install", "-y", *missing], "the Debian packages")
            self.changed.append("packages: " + " ".join(missing))
        else:
            self.unchanged("packages: " + " ".join(PACKAGES))
        self.run(["systemctl", "enable", "--now", "postgresql", "redis-server"],
                 "PostgreSQL and Redis running, and at every boot")  # fmt: skip

    def system_user(self) -> None:
        if self.ask(["getent", "passwd", USER]):
            self.unchanged(f"system user {USER}")
            return
        self.run(
            ["useradd", "--system", "--home-dir", str(RELEASE), "--shell", "/usr/sbin/nologin",
             USER], f"the system user {USER}" + (", if missing" if self.root else ""),
        )  # fmt: skip
        if not self.root:
            self.changed.append(f"system user {USER}")

    def release(self) -> None:
        """The release's files in /srv/screening (nothing to copy when run from there)."""
        source = self.source
        target = self.path(RELEASE)
        fingerprint = hashlib.sha256()
        wanted = set()
        copied = 0
        for relative in release_files(source):
            data = (source / relative).read_bytes()
            fingerprint.update(f"{relative}\0{len(data)}\0".encode() + data)
            wanted.add(relative)
            if source == target:
                continue
            destination = target / relative
            mode = 0o755 if os.access(source / relative, os.X_OK) else 0o644
            if (
                destination.is_file()
                and destination.read_bytes() == data
                and destination.stat().st_mode & 0o777 == mode
            ):
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(data)
            destination.chmod(mode)
            copied += 1
        removed = 0
        if source != target and target.is_dir():
            for relative in release_files(target, skip=KEPT_IN_RELEASE | NOT_RELEASE):
                if relative not in wanted:
                    (target / relative).unlink()
                    removed += 1
        if copied or removed:
            self.change(f"{RELEASE}/: {copied} files written, {removed} removed (from {source})")
        else:
            self.unchanged(f"{RELEASE}/ (the release in {source})")
        self.directory(RELEASE / "instance")  # the app makes it if missing; it may not write there
        self.fingerprint = fingerprint.hexdigest()
        stamp = self.path(RELEASE_STAMP)
        self.first_install = not stamp.exists()
        self.release_changed = self.first_install or stamp.read_text().strip() != self.fingerprint

    def venv(self) -> None:
        requirements = (self.source / "requirements.txt").read_bytes()
        digest = hashlib.sha256(requirements).hexdigest()
        stamp = self.path(REQUIREMENTS_STAMP)
        python = RELEASE / ".venv" / "bin" / "python"
        if not self.root and not python.exists():
            self.run(["python3", "-m", "venv", str(RELEASE / ".venv")], "the release's venv")
            stamp.unlink(missing_ok=True)
        elif self.root:
            self.run(["python3", "-m", "venv", str(RELEASE / ".venv")], "the venv, if missing")
        if stamp.exists() and stamp.read_text().strip() == digest:
            self.unchanged(f"{RELEASE}/.venv (requirements.txt as last installed)")
            return
        self.run(
            [str(RELEASE / ".venv/bin/pip"), "install", "--require-hashes", "--no-deps",
             "--disable-pip-version-check", "-r", str(RELEASE / "requirements.txt")],
            "the release's dependencies, each checked against its hash",
        )  # fmt: skip
        self.write(REQUIREMENTS_STAMP, f"{digest}\n".encode())

    def database(self) -> None:
        as_postgres = ["runuser", "-u", "postgres", "--"]
        role = self.ask([*as_postgres, "psql", "-tAc", ROLE_QUERY])
        if role == "1":
            self.unchanged(f"PostgreSQL role {USER}")
        else:
            self.run([*as_postgres, "createuser", USER], "the database role (peer authentication)")
        found = self.ask([*as_postgres, "psql", "-tAc", DATABASE_QUERY])
        if found == "1":
            self.unchanged(f"PostgreSQL database {DATABASE}")
        else:
            self.run([*as_postgres, "createdb", "-O", USER, DATABASE], "the database, its own")

    def env_file(self, values: dict[str, str]) -> None:
        """Written once; an existing file is the clinic's and is only compared, never rewritten."""
        self.directory(ENV_DIR)
        target = self.path(ENV_FILE)
        wanted = {"PUBLIC_BASE_URL": f"https://{self.options.host}", **values}
        if target.exists():
            present = read_env(target.read_text())
            differences = [
                f"{name}={present.get(name, '(not set)')!s} (asked: {value})"
                for name, value in wanted.items()
                if present.get(name) != value
            ]
            self.unchanged(f"{ENV_FILE} (the existing file is kept as it is)")
            for difference in differences:
                self.out(f"           kept {difference}: edit {ENV_FILE} to change it")
            if present.get("SECRET_KEY", "").startswith("replace-"):
                self.out(f"           warning: SECRET_KEY in {ENV_FILE} is still the example's")
            return
        text = render_env((self.source / "deploy" / "env.example").read_text(), wanted)
        self.write(ENV_FILE, text.encode(), 0o600)

    def units(self) -> None:
        changed = False
        for unit in sorted((self.source / "deploy" / "systemd").iterdir()):
            changed |= self.write(UNIT_DIR / unit.name, unit.read_bytes())
        if changed or self.root:
            self.run(["systemctl", "daemon-reload"], "systemd reads the units again")

    def certificate(self) -> tuple[Path, Path]:
        """The certificate's and key's paths for nginx; the first Let's Encrypt pass if needed."""
        given = self.options.certificate
        if given:
            self.directory(TLS_DIR, 0o700)
            self.write(TLS_DIR / "fullchain.pem", Path(given).read_bytes(), 0o644)
            self.write(TLS_DIR / "privkey.pem", Path(self.options.key).read_bytes(), 0o600)
            return TLS_DIR / "fullchain.pem", TLS_DIR / "privkey.pem"
        live = LETSENCRYPT / "live" / self.options.host
        if self.path(live / "fullchain.pem").exists():
            self.unchanged(f"certificate {live}/fullchain.pem")
        else:
            # nginx cannot load the HTTPS server before the first certificate exists:
            # certbot's own server gets it, on port 80, while nginx is stopped.
            self.first_certificate = True
            self.run(["systemctl", "stop", "nginx"], "port 80 for certbot's own server")
            self.run(
                ["certbot", "certonly", "--standalone", "--non-interactive", "--agree-tos",
                 "-m", self.options.email, "-d", self.options.host, *self.staging],
                "the first certificate, from Let's Encrypt",
            )  # fmt: skip
        return live / "fullchain.pem", live / "privkey.pem"

    def nginx(self, certificate: Path, key: Path) -> None:
        self.directory(WEBROOT)
        site = render_site((self.source / "deploy/nginx/screening.conf").read_text(),
                           self.options.host, certificate, key)  # fmt: skip
        changed = self.write(SITE, site.encode())
        changed |= self.link(SITE_LINK, "../sites-available/screening")
        changed |= self.remove(DEBIAN_SITE, "the site has its own default server")
        running = self.ask(["systemctl", "is-active", "nginx"]) == "active"
        if changed or self.first_certificate or not running:
            self.run(["nginx", "-t"], "the configuration loads")
            if running and not self.first_certificate:
                self.run(["systemctl", "reload", "nginx"], "the new site")
            else:
                self.run(["systemctl", "enable", "--now", "nginx"], "nginx with the site")
        renewal = self.path(LETSENCRYPT / "renewal" / f"{self.options.host}.conf")
        standalone = renewal.exists() and re.search(
            r"^authenticator\s*=\s*standalone", renewal.read_text(), re.M
        )
        if not self.options.certificate and (self.first_certificate or standalone):
            # The renewals go through the running site (port 80 serves the challenge).
            self.run(
                ["certbot", "certonly", "--webroot", "-w", str(WEBROOT), "-d", self.options.host,
                 "--force-renewal", "--non-interactive", "--deploy-hook", "systemctl reload nginx",
                 *self.staging],
                "renewals through the site from now on (Debian's certbot.timer runs them)",
            )  # fmt: skip

    def services(self) -> None:
        units = [f"screening@{port}.{kind}" for port in INSTANCES for kind in ("socket", "service")]
        enabled = [
            unit
            for unit in ("screening-migrate.service", *units, *TIMERS)
            if self.ask(["systemctl", "is-enabled", unit]) == "enabled"
        ]
        if self.release_changed:
            # The deploy step: flask db upgrade, under the migrations' lock, before any
            # instance runs the new code; it waits, and fails loudly if the migration does.
            self.run(["systemctl", "restart", "screening-migrate.service"],
                     "the migrations of this release")  # fmt: skip
        else:
            self.unchanged("release already installed: no migration, no restart")
        missing = [u for u in ("screening-migrate.service", *units, *TIMERS) if u not in enabled]
        if missing:
            self.run(["systemctl", "enable", "--now", *missing], "start now and at every boot")
        if self.release_changed and not self.first_install:
            for port in INSTANCES:  # one at a time: the other serves meanwhile
                self.run(["systemctl", "restart", f"screening@{port}.service"],
                         "the new release, one instance at a time")  # fmt: skip
                self.wait_for_instance(port)

    def wait_for_instance(self, port: int, timeout: float = 60) -> None:
        if self.root:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", "/healthz", headers={"Host": self.options.host})
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.5)
        raise Refused(f"screening@{port} does not answer: journalctl -u screening@{port}")

    def first_admin(self) -> None:
        has_admin = self.ask(
            ["runuser", "-u", "postgres", "--", "psql", "-d", DATABASE, "-tAc", ADMIN_QUERY]
        )
        if has_admin == "1":
            self.unchanged("an admin account exists")
            return
        email = self.options.admin_email or self.prompt("The first admin's email address")
        name = self.options.admin_name or self.prompt("The first admin's name")
        if not (email and name):
            self.out("  note     no admin yet: docs/production.md, 'The first staff account'")
            return
        self.run(
            ["systemd-run", "--pty", "--wait", "--quiet", f"--property=EnvironmentFile={ENV_FILE}",
             f"--property=User={USER}", f"--working-directory={RELEASE}",
             str(RELEASE / ".venv/bin/flask"), "--app", "app", "staff", "create", email, "--admin",
             "--name", name],
            "the first admin account (asks for its password)",
        )  # fmt: skip

    def prompt(self, question: str, secret: bool = False) -> str:
        if self.options.non_interactive or not sys.stdin.isatty():
            return ""
        if secret:
            return getpass.getpass(f"{question} (empty: later): ").strip()
        return input(f"{question} (empty: later): ").strip()

    def clinic_values(self) -> dict[str, str]:
        """The values given as flags, and (on a first install, at a terminal) the rest asked."""
        values = {}
        asking = not self.path(ENV_FILE).exists()
        for flag, setting, question in CLINIC_VALUES:
            value = getattr(self.options, flag) or (self.prompt(question) if asking else "")
            if value:
                values[setting] = value
        if asking and values.get("SMTP_HOST"):
            password = self.prompt("The mail server's password", secret=True)
            if password:
                values["SMTP_PASSWORD"] = password
        if values.get("WEBHOOK_URL"):
            values["WEBHOOK_SECRET"] = secrets.token_hex(32)
        return values

    def install(self) -> int:
        self.check_system()
        os.umask(0o022)  # the release and the folders readable by the app's user, whatever root's
        values = self.clinic_values()
        self.out("Packages and the system user:")
        self.packages()
        self.system_user()
        self.out("The release:")
        self.release()
        self.venv()
        self.out("The database and the settings:")
        self.database()
        self.env_file(values)
        self.out("systemd units and timers:")
        self.units()
        self.out("The certificate and nginx:")
        certificate, key = self.certificate()
        self.nginx(certificate, key)
        self.out("Migrations and instances:")
        self.services()
        self.out("The first admin account:")
        self.first_admin()
        self.write(RELEASE_STAMP, f"{self.fingerprint}\n".encode())
        self.summary()
        return 0

    def summary(self) -> None:
        if self.changed:
            self.out(f"Changed {len(self.changed)}, each marked 'changed' above.")
        else:
            self.out("Nothing changed: every file was already as this release has it.")
        if self.root:
            self.out(f"Plan: {len(self.plan)} commands a real system would run (above); none ran.")
        self.out(
            f"Next: the clinical lead signs the rules off (docs/clinic-guide.md), then check it "
            f"from outside: python3 deploy/deploy_check.py https://{self.options.host}/"
        )


def release_files(folder: Path, skip: set[str] = NOT_RELEASE) -> Iterator[str]:
    """The release's files, relative to ``folder``, sorted; symlinks and caches left out."""
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(
            name for name in subfolders
            if name not in skip and not (Path(directory) / name).is_symlink()
        )  # fmt: skip
        relative = Path(directory).relative_to(folder)
        for name in sorted(files):
            path = Path(directory) / name
            if name.endswith(".pyc") or name in skip or path.is_symlink():
                continue
            yield str(relative / name) if str(relative) != "." else name


def read_env(text: str) -> dict[str, str]:
    """KEY=value lines, as systemd's EnvironmentFile= reads them (comments skipped)."""
    values = {}
    for line in text.splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[name.strip()] = value.strip().strip("\"'")
    return values


def render_env(example: str, values: dict[str, str]) -> str:
    """deploy/env.example with a new SECRET_KEY and the given values set, the rest as shipped."""
    values = {"SECRET_KEY": secrets.token_hex(32), **values}
    lines, done = [], set()
    for line in example.splitlines():
        name = line.lstrip("#").partition("=")[0].strip()
        if "=" in line and name in values and name not in done and " " not in name:
            lines.append(f"{name}={values[name]}")
            done.add(name)
        else:
            lines.append(line)
    extra = [f"{name}={value}" for name, value in values.items() if name not in done]
    if extra:
        lines += ["", "# Given to deploy/install:", *extra]
    return "\n".join(lines) + "\n"


def render_site(text: str, host: str, certificate: Path, key: Path) -> str:
    """deploy/nginx/screening.conf with the clinic's host name and certificate."""
    text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate     {certificate};", text)
    text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", text)
    return text.replace(SHIPPED_HOST, host)


def parse(arguments: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="deploy/install",
        description="Install or upgrade the screening app on Debian 12 (docs/production.md).",
    )
    parser.add_argument("--host", required=True, help="the public host name, e.g. check.clinic.com")
    parser.add_argument("--email", required=True, help="for Let's Encrypt's expiry notices")
    parser.add_argument("--root", help="write every file under this folder; run nothing")
    parser.add_argument("--release", default=str(SOURCE), help="the release to install (this one)")
    parser.add_argument("--certificate", help="the clinic's certificate (full chain), no certbot")
    parser.add_argument("--key", help="its private key")
    parser.add_argument(
        "--certbot-staging", action="store_true", help="Let's Encrypt's test certificates"
    )
    parser.add_argument("--admin-email", help="the first admin account (asked when missing)")
    parser.add_argument("--admin-name", help="its holder's name")
    parser.add_argument("--non-interactive", action="store_true", help="never ask; leave it out")
    for flag, setting, question in CLINIC_VALUES:
        parser.add_argument("--" + flag.replace("_", "-"), help=f"{setting}: {question}")
    options = parser.parse_args(arguments)
    options.host = options.host.strip().lower().rstrip(".")
    if not _HOST_NAME.match(options.host):
        parser.error(f"--host {options.host!r} is not a host name like check.your-clinic.com")
    if "@" not in options.email:
        parser.error("--email must be an email address")
    if bool(options.certificate) != bool(options.key):
        parser.error("give --certificate and --key together")
    for flag, setting, _question in CLINIC_VALUES:
        value = getattr(options, flag) or ""
        if "\n" in value:
            parser.error(f"--{flag.replace('_', '-')}: {setting} is one line")
        addresses = value.split(",") if flag.endswith(("_url", "_origins")) and value else []
        if any(not item.strip().startswith("https://") for item in addresses):
            parser.error(f"--{flag.replace('_', '-')}: {setting} takes https:// addresses")
    for given in (options.certificate, options.key):
        if given and not Path(given).is_file():
            parser.error(f"{given}: no such file")
    return options


def main(arguments: list[str] | None = None) -> int:
    options = parse(arguments)
    try:
        return Installer(options).install()
    except Refused as refusal:
        print(f"deploy/install: stopped: {refusal.message}", file=sys.stderr)
        return 2
