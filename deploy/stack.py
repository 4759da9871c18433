"""The production stack on loopback: nginx in front of app instances, on PostgreSQL and Redis.

    ./scripts/stack [--instances 2] [--workers 2] [--https-port N] [--database NAME]
                    [--keep-database] [--env KEY=VALUE ...]

Everything comes from the shipped configuration in deploy/, so what runs here is
what a clinic installs:

- a fresh PostgreSQL database (a random name, or the one given), migrated once with
  ``flask db upgrade``, as screening-migrate.service does;
- the app instances, started with the arguments of deploy/systemd/screening@.service's
  ExecStart, each on a socket bound where deploy/systemd/screening@.socket says
  (``ListenStream``, ``Backlog``). This process holds the sockets and hands each to its
  gunicorn the way systemd does (``LISTEN_FDS``), so an instance restarts without its
  socket ever closing; the unit's ``Environment=`` settings and its ``RuntimeDirectory=``
  folders (made anew, empty, at each start, under this stack's folder instead of /run);
- nginx with deploy/nginx/screening.conf, changed only where a loopback copy must
  differ: free loopback ports, the host name ``localhost``, a self-signed certificate
  made by openssl, these instances' ports, this checkout's static/ folder and the access
  log's path (its format is the site's own, which never logs a query string);
- the settings of deploy/env.example (APP_ENV=production, TRUSTED_PROXIES=1, ...), with
  this stack's database, Redis, secret key and address.

tests/deploy and bench/stack_bench.py use ``running()``, a context manager that yields
a ``Stack``. Ctrl-C or SIGTERM stops everything and drops the database.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
NGINX_SITE = ROOT / "deploy" / "nginx" / "screening.conf"
SERVICE_UNIT = ROOT / "deploy" / "systemd" / "screening@.service"
SOCKET_UNIT = ROOT / "deploy" / "systemd" / "screening@.socket"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
# screening.conf's own access log (its "screening" format: no query string), and the one
# the main configuration keeps at the http level, as Debian's nginx.conf does ("combined",
# query strings included): only what no server of the site logs itself may land there.
SHIPPED_ACCESS_LOG = "/var/log/nginx/screening-access.log"
ACCESS_LOG = "nginx-access.log"
MAIN_ACCESS_LOG = "nginx-main-access.log"

SHIPPED_HOST = "check.example-clinic.com"  # the placeholder host name of screening.conf
HOST_NAME = "localhost"  # the stack's: the certificate's name, and what clients send
POSTGRES_URL = os.environ.get("STACK_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# Not the tests' Redis database (15): a test there empties it (flushdb) whenever it runs.
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/14")
# What the stack waits for: liveness, 200 whenever a process answers. Not ``/``, which
# production answers with a 503 until a clinician has signed a rule version.
HEALTH_PATH = "/healthz"
# All the instances see of this process's environment; over these come the env file's
# settings, then the stack's own (database, Redis, secret, address), then the caller's.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")

# Runs in the new process before gunicorn: puts the inherited socket at fd 3 and says so
# as systemd does (LISTEN_FDS, LISTEN_PID), then becomes gunicorn in the same process.
HAND_OVER_SOCKET = """\
import os, sys
fd = int(sys.argv[1])
if fd != 3:
    os.dup2(fd, 3)
    os.close(fd)
os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *sys.argv[2:]])
"""


class StackError(RuntimeError):
    """The stack could not start: a service is unreachable or a process failed."""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


@dataclass
class Instance:
    """One app instance: its port, the socket this process holds for it, its gunicorn."""

    port: int
    socket: socket.socket
    log: Path
    process: subprocess.Popen | None = None


class _TLSConnection(http.client.HTTPSConnection):
    """HTTPS to nginx on loopback from a chosen source address, with SNI ``localhost``."""

    def __init__(self, port: int, source: str, timeout: float, context: ssl.SSLContext):
        super().__init__("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
        self.tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self.host, self.port), self.timeout, self.source_address)
        self.sock = self.tls.wrap_socket(raw, server_hostname=HOST_NAME)


@dataclass
class Stack:
    https_port: int
    http_port: int
    instances: list[Instance]
    database_url: str
    database_name: str
    redis_url: str
    secret_key: str
    prefix: Path
    certificate: Path
    environment: dict[str, str]
    workers: int
    nginx: subprocess.Popen | None = None
    wsgi_app: str | None = None  # gunicorn's app argument instead of the unit's (a benchmark's)

    @property
    def host(self) -> str:
        """What clients put in Host (and nginx forwards): ``localhost:PORT``."""
        return f"{HOST_NAME}:{self.https_port}"

    @property
    def url(self) -> str:
        return f"https://{self.host}/"

    @property
    def instance_ports(self) -> list[int]:
        return [instance.port for instance in self.instances]

    @cached_property
    def client_context(self) -> ssl.SSLContext:
        """A TLS context that trusts this stack's self-signed certificate and nothing else."""
        return ssl.create_default_context(cafile=str(self.certificate))

    def connection(self, source: str = "127.0.0.1", timeout: float = 10) -> _TLSConnection:
        return _TLSConnection(self.https_port, source, timeout, self.client_context)

    def open_socket(self, source: str = "127.0.0.1", tls: bool = True, port: int | None = None):
        """A connected socket to nginx's HTTPS port (or another port, plain), for raw requests."""
        raw = socket.create_connection(("127.0.0.1", port or self.https_port), 10, (source, 0))
        if not tls:
            return raw
        return self.client_context.wrap_socket(raw, server_hostname=HOST_NAME)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        source: str = "127.0.0.1",
        timeout: float = 10,
        tls: bool = True,
    ) -> Answer:
        """One request through nginx (HTTPS, or the plain HTTP port), from ``source``."""
        if tls:
            connection: http.client.HTTPConnection = self.connection(source, timeout)
            host = self.host
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.http_port, timeout=timeout, source_address=(source, 0)
            )
            host = f"{HOST_NAME}:{self.http_port}"
        try:
            connection.request(method, path, body=body, headers={"Host": host, **(headers or {})})
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    def stop_instance(self, index: int, timeout: float = 40) -> int:
        """SIGTERM one gunicorn, as ``systemctl stop`` does, and wait; its socket stays open."""
        instance = self.instances[index]
        process = instance.process
        if process is None:
            return 0
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        instance.process = None
        return code

    @property
    def run(self) -> Path:
        """The stack's /run: each instance's RuntimeDirectory= folders are made here."""
        return self.prefix / "run"

    def runtime_folders(self, index: int) -> list[Path]:
        return [self.run / name for name in runtime_directories(self.instances[index].port)]

    def start_instance(self, index: int, timeout: float = 60, wait: bool = True) -> None:
        """Start one gunicorn on its held socket, and wait until it answers.

        As systemd does for screening@.service, its RuntimeDirectory= folders are made
        anew, empty (the metrics of every worker, PROMETHEUS_MULTIPROC_DIR), and its
        Environment= settings are set, under those of the env file (EnvironmentFile=
        wins in systemd too).
        """
        instance = self.instances[index]
        arguments = gunicorn_arguments(instance.port, self.workers, self.wsgi_app)
        for folder in self.runtime_folders(index):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(mode=0o700, parents=True)
        environment = {**unit_environment(instance.port, self.run), **self.environment}
        with instance.log.open("ab") as log:
            instance.process = subprocess.Popen(  # noqa: S603 - a fixed argument list
                [sys.executable, "-c", HAND_OVER_SOCKET, str(instance.socket.fileno()), *arguments],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=(instance.socket.fileno(),),
                start_new_session=True,  # Ctrl-C reaches this process only, which stops it
            )
        if wait:
            _wait_for_instance(instance, timeout)

    def restart_instance(self, index: int) -> None:
        self.stop_instance(index)
        self.start_instance(index)

    def diagnostics(self, lines: int = 30) -> str:
        """The end of every log: what a failing test prints."""
        parts = []
        for path in sorted(self.prefix.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unit_values(path: Path, key: str) -> list[str]:
    """The values of ``key=`` lines in a systemd unit (comments and sections skipped)."""
    values = []
    for line in path.read_text().splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and name.strip() == key and not line.lstrip().startswith(("#", ";")):
            values.append(value.strip())
    return values


def socket_address(port: int) -> tuple[str, int, int]:
    """Host, port and backlog of an instance's socket, as screening@.socket declares them."""
    (listen,) = unit_values(SOCKET_UNIT, "ListenStream")
    host, _, port_text = listen.replace("%i", str(port)).rpartition(":")
    backlog = int((unit_values(SOCKET_UNIT, "Backlog") or ["128"])[0])
    return host.strip("[]"), int(port_text), backlog


def runtime_directories(port: int) -> list[str]:
    """screening@.service's RuntimeDirectory= folders for this port, relative to /run."""
    names = " ".join(unit_values(SERVICE_UNIT, "RuntimeDirectory")).split()
    return [name.replace("%i", str(port)) for name in names]


def unit_environment(port: int, run: Path) -> dict[str, str]:
    """screening@.service's Environment= settings for this port, /run/ moved to ``run``."""
    settings = {}
    for line in unit_values(SERVICE_UNIT, "Environment"):
        for assignment in shlex.split(line.replace("%i", str(port))):
            name, _, value = assignment.partition("=")
            if value.startswith("/run/"):
                value = str(run / value.removeprefix("/run/"))
            settings[name] = value
    return settings


def gunicorn_arguments(port: int, workers: int, wsgi_app: str | None = None) -> list[str]:
    """screening@.service's gunicorn arguments for this port, with the stack's worker count
    and, when given, another app than the unit's last argument (``app:create_app()``)."""
    (command,) = unit_values(SERVICE_UNIT, "ExecStart")
    program, *arguments = shlex.split(command.replace("%i", str(port)))
    if not program.endswith("/gunicorn"):
        raise StackError(f"{SERVICE_UNIT.name}'s ExecStart no longer starts gunicorn: {program}")
    if "--workers" in arguments:
        arguments[arguments.index("--workers") + 1] = str(workers)
    if wsgi_app is not None:
        arguments[-1] = wsgi_app
    return arguments


def shipped_environment() -> dict[str, str]:
    """The settings of deploy/env.example (KEY=value lines, optionally quoted)."""
    settings = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        name, sep, value = line.strip().partition("=")
        if sep and not line.lstrip().startswith("#"):
            settings[name.strip()] = value.strip().strip("\"'")
    return settings


def _swap(text: str, pattern: str, replacement: str, count: int | None = None) -> str:
    """Replace ``pattern``; it must occur ``count`` times (at least once when None)."""
    found = len(re.findall(pattern, text, flags=re.M))
    if found == 0 or (count is not None and found != count):
        raise StackError(
            f"{NGINX_SITE.name} changed: {pattern!r} occurs {found} times, expected "
            f"{count or 'at least 1'}; update deploy/stack.py's rendering with it"
        )
    return re.sub(pattern, lambda _match: replacement, text, flags=re.M)


def render_site(
    https_port: int,
    http_port: int,
    instance_ports: list[int],
    certificate: Path,
    key: Path,
    access_log: Path,
) -> str:
    """deploy/nginx/screening.conf for loopback: only ports, name, certificate and paths change."""
    text = NGINX_SITE.read_text()
    # Every server logs in the site's own format, to the stack's folder instead of /var/log.
    text = _swap(text, rf"access_log {re.escape(SHIPPED_ACCESS_LOG)} screening;",
                 f"access_log {access_log} screening;", 3)  # fmt: skip
    text = _swap(text, r"^\s*listen \[::\]:.*\n", "", count=4)  # loopback: IPv4 only
    for shipped, port, tls in (("80", http_port, ""), ("443", https_port, " ssl")):
        for default in (" default_server", ""):
            loopback = f"listen 127.0.0.1:{port}{tls}{default};"
            text = _swap(text, f"listen {shipped}{tls}{default};", loopback, 1)
    text = _swap(text, r"ssl_certificate\s+\S+;", f"ssl_certificate {certificate};", 1)
    text = _swap(text, r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", 1)
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in instance_ports)
    text = _swap(text, r"^(\s*server 127\.0\.0\.1:\d+;\n)+", servers, 1)
    text = _swap(text, r"alias /srv/screening/static/;", f"alias {ROOT / 'static'}/;", 1)
    text = _swap(text, rf"server_name {re.escape(SHIPPED_HOST)};", f"server_name {HOST_NAME};", 2)
    # What is left of the name is the public address (redirect, Host): with the port here.
    return _swap(text, re.escape(SHIPPED_HOST), f"{HOST_NAME}:{https_port}")


def render_main(prefix: Path, site: Path) -> str:
    """The main configuration around the site, as Debian's /etc/nginx/nginx.conf would be.

    Like Debian's, it has an access_log of its own at the http level, in nginx's default
    "combined" format (with the query string): the site's servers each name their own
    log and format (screening.conf's ``log_format screening``), which replaces it.
    """
    temp = "\n".join(
        f"    {kind}_temp_path {prefix / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""\
worker_processes auto;
pid {prefix / "nginx.pid"};
error_log {prefix / "nginx-error.log"} warn;
daemon off;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {prefix / MAIN_ACCESS_LOG};
{temp}
    include {site};
}}
"""


def _run(command: list[str], what: str, **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, check=False, **options)  # noqa: S603
    if result.returncode != 0:
        raise StackError(f"{what} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result


DEMO_CLINICIAN = "demo-clinician@stack.invalid"


def _demo_sign_off(settings: dict[str, str]) -> None:
    """A clinician account of this stack only, and its sign-off of the deployed rules.

    Its name says what it is, on every result page: never a clinic's real sign-off.
    The commands ask for the password as a person would type it; ``start_new_session``
    keeps them off this terminal, so they read it from their standard input.
    """
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    password = secrets.token_urlsafe(18)
    options = {"cwd": ROOT, "env": settings, "start_new_session": True}
    # The sign-off shows the account's name; its registration has a shape of its own,
    # allowed for this one command only (no real register has it).
    name = "Demo clinician of a loopback stack (not a real sign-off)"
    _run([*flask, "staff", "create", DEMO_CLINICIAN, "--clinician", "--name", name],
         "flask staff create", input=f"{password}\n{password}\n", **options)  # fmt: skip
    demo = {
        **settings,
        "SIGNOFF_REGISTRATION_PATTERN": r"DEMO-\d{4}",
        "SIGNOFF_REGISTRATION_DESCRIPTION": "DEMO- and 4 digits (a throwaway stack's)",
    }
    _run([*flask, "rules", "sign", DEMO_CLINICIAN, "--registration", "DEMO-0000"],
         "flask rules sign", input=f"{password}\n", **{**options, "env": demo})  # fmt: skip


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` and 127.0.0.1, valid for 30 days (the
    deployment check, deploy/deploy_check.py, calls one with under 14 days left a finding)."""
    certificate, key = folder / "localhost.pem", folder / "localhost.key"
    openssl = shutil.which("openssl")
    if not openssl:
        raise StackError("openssl is not installed: apt-get install openssl")
    _run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "30", "-subj", f"/CN={HOST_NAME}",
            "-addext", f"subjectAltName=DNS:{HOST_NAME},IP:127.0.0.1",
            "-keyout", str(key), "-out", str(certificate),
        ],
        "openssl req",
    )  # fmt: skip
    key.chmod(0o600)
    return certificate, key


def _database_url(server_url: str, name: str) -> str:
    return urlsplit(server_url)._replace(path=f"/{name}").geturl()


@contextlib.contextmanager
def _database(server_url: str, name: str | None, keep: bool) -> Iterator[tuple[str, str]]:
    """A new PostgreSQL database on the server (dropped afterwards unless ``keep``)."""
    import psycopg
    from psycopg import sql

    name = name or f"screening_stack_{secrets.token_hex(4)}"
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise StackError(f"{name!r}: a database name here is lower-case letters, digits and _")
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    try:
        with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)
    except psycopg.errors.DuplicateDatabase as exc:
        raise StackError(f"database {name} exists: give another name, or drop it") from exc
    except psycopg.OperationalError as exc:
        raise StackError(f"PostgreSQL is not reachable at {server_url}: {exc}") from exc
    try:
        yield name, _database_url(server_url, name)
    finally:
        if not keep:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            with psycopg.connect(server_url, autocommit=True, connect_timeout=5) as connection:
                connection.execute(drop)


def _check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        raise StackError(f"Redis is not reachable at {url}: {exc}") from exc


def _wait_for_instance(instance: Instance, timeout: float) -> None:
    """Until the instance answers itself (its socket accepts even before gunicorn does)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if instance.process is None or instance.process.poll() is not None:
            raise StackError(f"gunicorn on port {instance.port} exited:\n{_tail(instance.log)}")
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=2)
        try:
            connection.request("GET", HEALTH_PATH, headers={"Host": HOST_NAME})
            connection.getresponse().read()  # any answer: nginx's check below wants a 200
            return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise StackError(
        f"gunicorn on port {instance.port} did not answer in {timeout:.0f} s:\n"
        + _tail(instance.log)
    )


def _tail(path: Path, lines: int = 30) -> str:
    if not path.exists():
        return f"(no {path.name})"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _stop(process: subprocess.Popen | None, first: signal.Signals, grace: float) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(first)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _stop_all(instances: list[Instance]) -> None:
    """SIGTERM every gunicorn at once, then wait for each (a graceful stop takes a second)."""
    running = [i.process for i in instances if i.process is not None and i.process.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 40
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _start_nginx(stack: Stack, key: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise StackError("nginx is not installed: apt-get install nginx")
    site = stack.prefix / "screening.conf"
    site.write_text(
        render_site(
            stack.https_port,
            stack.http_port,
            stack.instance_ports,
            stack.certificate,
            key,
            stack.prefix / ACCESS_LOG,
        )
    )
    main = stack.prefix / "nginx.conf"
    main.write_text(render_main(stack.prefix, site))
    error_log = stack.prefix / "nginx-error.log"
    command = [nginx, "-p", str(stack.prefix), "-c", str(main), "-e", str(error_log)]
    _run([*command, "-q", "-t"], "nginx -t")
    stack.nginx = subprocess.Popen(  # noqa: S603 - a fixed argument list
        command, stdin=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if stack.nginx.poll() is not None:
            raise StackError("nginx exited:\n" + stack.diagnostics())
        with contextlib.suppress(OSError):
            if stack.request("GET", HEALTH_PATH, timeout=5).status == 200:
                return
        time.sleep(0.1)
    raise StackError("nginx did not answer in 15 s:\n" + stack.diagnostics())


@contextlib.contextmanager
def running(
    instances: int = 2,
    workers: int = 2,
    environment: dict[str, str] | None = None,
    database: str | None = None,
    keep_database: bool = False,
    https_port: int | None = None,
    http_port: int | None = None,
    postgres_url: str = POSTGRES_URL,
    redis_url: str = REDIS_URL,
    demo_sign_off: bool = True,
    wsgi_app: str | None = None,
) -> Iterator[Stack]:
    """Start the stack; yield it; stop nginx, the instances and the database on leaving.

    Production decides patients only with a signed rule version: unless
    ``demo_sign_off`` is False, a throwaway clinician account of this stack signs the
    deployed version off, exactly as a clinic's clinical lead does (``flask rules sign``).
    """
    _check_redis(redis_url)
    with contextlib.ExitStack() as cleanup:
        prefix = Path(tempfile.mkdtemp(prefix="screening-stack-"))
        cleanup.callback(shutil.rmtree, prefix, ignore_errors=True)
        prefix.chmod(0o755)  # nginx's workers (user nobody when started as root) read inside
        name, database_url = cleanup.enter_context(_database(postgres_url, database, keep_database))
        held = []
        for _ in range(instances):
            host, port, backlog = socket_address(free_port())
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            cleanup.callback(listener.close)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((host, port))
            listener.listen(backlog)
            held.append(Instance(port, listener, prefix / f"gunicorn-{port}.log"))
        https = https_port or free_port()
        settings = {
            **{key: os.environ[key] for key in PASSED_THROUGH if key in os.environ},
            **shipped_environment(),
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": database_url,
            "AUTO_MIGRATE": "0",
            "RATELIMIT_STORAGE_URI": redis_url,
            "PUBLIC_BASE_URL": f"https://{HOST_NAME}:{https}",
            "PYTHONUNBUFFERED": "1",
            **(environment or {}),
        }
        certificate, key = make_certificate(prefix)
        stack = Stack(
            https_port=https,
            http_port=http_port or free_port(),
            instances=held,
            database_url=database_url,
            database_name=name,
            redis_url=redis_url,
            secret_key=settings["SECRET_KEY"],
            prefix=prefix,
            certificate=certificate,
            environment=settings,
            workers=workers,
            wsgi_app=wsgi_app,
        )
        # The deploy step, once (screening-migrate.service): never several workers at once.
        _run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], "flask db upgrade",
             cwd=ROOT, env=settings)  # fmt: skip
        if demo_sign_off:
            _demo_sign_off(settings)
        cleanup.callback(_stop_all, held)
        for index in range(len(held)):
            stack.start_instance(index, wait=False)
        for instance in held:
            _wait_for_instance(instance, 60)
        cleanup.callback(lambda: _stop(stack.nginx, signal.SIGQUIT, 5))
        _start_nginx(stack, key)
        yield stack


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--https-port", type=int, help="default: a free port")
    parser.add_argument("--http-port", type=int, help="the redirect to HTTPS; default: free")
    parser.add_argument("--database", help="name of the new database; default: a random one")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it at the end")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="an app setting, e.g. --env CLINIC_NAME='My clinic'")  # fmt: skip
    options = parser.parse_args()
    extra = dict(item.split("=", 1) for item in options.env)
    # SIGTERM ends the stack as Ctrl-C does: the context manager stops every process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with running(
            options.instances,
            options.workers,
            extra,
            options.database,
            options.keep_database,
            options.https_port,
            options.http_port,
        ) as stack:
            settings = " ".join(
                f"{key}={shlex.quote(stack.environment[key])}"
                for key in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL")
            )
            print(
                f"The screening stack is up: {stack.url}\n"
                f"  nginx: https 127.0.0.1:{stack.https_port}, http 127.0.0.1:{stack.http_port} "
                f"(redirects); self-signed certificate {stack.certificate}\n"
                f"  app instances: 127.0.0.1:{', 127.0.0.1:'.join(map(str, stack.instance_ports))}"
                f" ({stack.workers} workers each), database {stack.database_name}, "
                f"Redis {stack.redis_url}\n"
                f"  logs: {stack.prefix}/*.log\n"
                f"  a staff account: {settings} .venv/bin/flask --app app staff create "
                'you@clinic.example --admin --name "Your Name"\n'
                "Ctrl-C stops it.",
                flush=True,
            )
            while True:
                signal.pause()
    except StackError as error:
        raise SystemExit(f"stack: {error}") from None
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
