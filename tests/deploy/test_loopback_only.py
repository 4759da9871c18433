"""The app is reachable only through nginx: its instances listen on 127.0.0.1 and nowhere
else, in the stack and in the shipped units, so X-Forwarded-For can only come from nginx
and TRUSTED_PROXIES=1 is safe."""

from __future__ import annotations

import ipaddress
import re
import socket
from pathlib import Path

import pytest

from deploy.stack import NGINX_SITE, ROOT, SERVICE_UNIT, SOCKET_UNIT, unit_values


def listening(port: int) -> set[str]:
    """The local addresses of every listening TCP socket on this port (/proc/net/tcp{,6})."""
    addresses = set()
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state != "0A" or int(port_hex, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(address)
            # The kernel writes each 32-bit word in host (little-endian) order.
            words = b"".join(raw[i : i + 4][::-1] for i in range(0, size, 4))
            addresses.add(str(ipaddress.ip_address(words)))
    return addresses


def local_addresses() -> set[str]:
    """This machine's own addresses, loopback or not (/proc/net/fib_trie, /proc/net/if_inet6)."""
    trie = Path("/proc/net/fib_trie").read_text()
    found = set(re.findall(r"\|-- ([\d.]+)\n\s+/32 host LOCAL", trie))
    for line in Path("/proc/net/if_inet6").read_text().splitlines():
        address, _index, _prefix, scope, *_ = line.split()
        if scope == "00":  # global scope (link-local needs an interface to connect)
            found.add(str(ipaddress.ip_address(bytes.fromhex(address))))
    return found


def test_the_instances_and_nginx_listen_on_127_0_0_1_only(stack):
    for port in stack.instance_ports:
        assert listening(port) == {"127.0.0.1"}, port
    for port in (stack.https_port, stack.http_port):
        assert listening(port) == {"127.0.0.1"}, port


def test_no_other_address_of_this_machine_reaches_an_instance(stack):
    others = (local_addresses() | {"127.0.0.2"}) - {"127.0.0.1"}
    assert "127.0.0.2" in others
    for port in stack.instance_ports:
        for address in sorted(others):
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            with socket.socket(family) as probe, pytest.raises(ConnectionRefusedError):
                probe.settimeout(2)
                probe.connect((address, port))


def test_the_shipped_units_and_proxy_keep_the_app_on_loopback():
    (listen,) = unit_values(SOCKET_UNIT, "ListenStream")
    assert listen == "127.0.0.1:%i"
    (command,) = unit_values(SERVICE_UNIT, "ExecStart")
    assert re.findall(r"--bind (\S+)", command) == ["127.0.0.1:%i"]
    upstreams = re.findall(r"^\s*server (\S+);", NGINX_SITE.read_text(), re.M)
    assert upstreams and all(server.startswith("127.0.0.1:") for server in upstreams)
    assert re.search(r"proxy_set_header X-Forwarded-For\s+\$remote_addr;", NGINX_SITE.read_text())
    # The documented setup too: no gunicorn bound to every address next to TRUSTED_PROXIES=1.
    for document in ("README.md", "docs/production.md"):
        assert "0.0.0.0" not in (ROOT / document).read_text(), document
