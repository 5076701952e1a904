"""Issue 24, kinds 3 and 7, in a real nginx running the shipped deploy/nginx/explorer.conf: long links
reach the app (no 414), and stickiness holds in a learning platform's cross-site iframe (the cookie is
`SameSite=None; Secure` behind TLS). Two small HTTP backends stand in for the replicas (nginx decides
both before Streamlit sees anything); each answers with its own port."""

from __future__ import annotations

import http.client
import shutil
import subprocess
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.cluster import NGINX, free_port, nginx_conf, render_site, stop, wait_until

pytestmark = [
    pytest.mark.deploy,
    pytest.mark.robust,
    pytest.mark.skipif(shutil.which(NGINX) is None, reason="nginx is not installed (make test-deploy installs it)"),
]


class Backend(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        body = f"{self.server.server_address[1]} {len(self.path)}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory) -> Iterator[tuple[int, list[int]]]:
    """nginx on a free port in front of two backends: (nginx's port, the backends' ports)."""
    workdir: Path = tmp_path_factory.mktemp("nginx")
    backends = [ThreadingHTTPServer(("127.0.0.1", 0), Backend) for _ in range(2)]
    for backend in backends:
        threading.Thread(target=backend.serve_forever, daemon=True).start()
    ports = [b.server_address[1] for b in backends]
    listen = free_port()
    site = workdir / "explorer.conf"
    site.write_text(render_site(ports, listen, workdir / "access.log"))
    conf = workdir / "nginx.conf"
    conf.write_text(nginx_conf(workdir, site))
    nginx = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")])
    try:
        assert wait_until(lambda: _answers(listen), timeout=20), (workdir / "error.log").read_text()
        yield listen, ports
    finally:
        stop(nginx)
        for backend in backends:
            backend.shutdown()


def _answers(port: int) -> bool:
    try:
        return get(port, "/")[0] == 200
    except OSError:
        return False


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, body, Set-Cookie) of one GET through nginx."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace"), response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


@pytest.mark.parametrize(
    "text",
    [
        "the river bank . " * 700,  # the kind: about a hundred sentences (12 KB in the link)
        "银行" * 700,  # chosen: 1,400 non-ASCII characters, 12.6 KB once percent-encoded
    ],
)
def test_a_long_link_reaches_the_app(proxy, text):
    port, backends = proxy
    path = "/ELMo_senses?" + urllib.parse.urlencode({"text": text, "word": "bank"})
    assert 8 * 1024 < len(path) < 16 * 1024  # over nginx's old 8 KiB, under Streamlit's 16 KiB
    status, body, _ = get(port, path)
    assert status == 200, f"nginx answered {status} to a {len(path)}-byte link"
    backend, length = body.split()
    assert int(backend) in backends and int(length) == len(path)


@pytest.mark.parametrize("scheme_header", [{"X-Forwarded-Proto": "https"}])
def test_an_iframe_behind_tls_keeps_its_replica(proxy, scheme_header):
    port, _ = proxy
    _, first, cookie = get(port, "/", scheme_header)
    assert "SameSite=None" in cookie and "Secure" in cookie, cookie  # a cross-site frame keeps it
    key = cookie.split(";")[0]
    for _ in range(6):  # every later request, with the cookie the frame now sends, reaches the same replica
        _, body, _ = get(port, "/_stcore/health", {**scheme_header, "Cookie": key})
        assert body.split()[0] == first.split()[0]


def test_plain_http_keeps_the_lax_cookie(proxy):
    """A browser refuses SameSite=None without Secure: over plain http the cookie stays Lax."""
    port, _ = proxy
    _, _, cookie = get(port, "/")
    assert "SameSite=Lax" in cookie and "Secure" not in cookie, cookie
