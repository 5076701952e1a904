"""N Streamlit replicas behind Debian's nginx on 127.0.0.1, using the shipped deploy/nginx config.

Shared by tests/deploy and bench/deploy.py. Everything runs as the current user on free loopback
ports: nginx in the foreground (`daemon off`) with a temporary prefix, each replica a
`streamlit run` in shared mode. All are children of this process and are stopped on exit, so no
daemon is left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.harness import ROOT, free_port, wait_healthy

SITE = ROOT / "deploy" / "nginx" / "explorer.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
COOKIE = "explorer_replica"
_LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ key=(?P<key>\S+) replica=(?P<replica>.+?) time='
)


@dataclass
class Replica:
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Cluster:
    url: str  # nginx, the only address visitors use
    replicas: list[Replica]
    access_log: Path
    prefix: Path
    killed: list[str] = field(default_factory=list)

    def kill(self, index: int) -> Replica:
        """SIGKILL one replica, as when its machine or container dies."""
        replica = self.replicas[index]
        replica.process.send_signal(signal.SIGKILL)
        replica.process.wait(timeout=30)
        self.killed.append(replica.addr)
        return replica

    def requests(self) -> list[dict[str, str]]:
        """The access log so far: method, path, status, key (the sticky cookie) and replica per request.

        A websocket (`/_stcore/stream`) is logged when it closes; replica may read "a, b" when nginx
        tried a dead replica before a live one."""
        lines = self.access_log.read_text().splitlines() if self.access_log.exists() else []
        return [m.groupdict() for m in map(_LOG_LINE.search, lines) if m]

    def replica_of(self, key: str) -> str:
        """The replica that last answered a request with this sticky key."""

        def served() -> list[str]:  # nginx writes the line just after the response: wait for it
            return [r["replica"].split(", ")[-1] for r in self.requests() if r["key"] == key]

        if not wait_until(served, timeout=10, every=0.05):
            raise LookupError(f"no request with key {key} in the access log")
        return served()[-1]

    def new_visitor(self) -> str:
        """Open the app's front page as a new browser does; returns the sticky cookie nginx set."""
        with urllib.request.urlopen(f"{self.url}/", timeout=30) as response:
            response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                if name.strip() == COOKIE:
                    return rest.split(";", 1)[0]
        raise RuntimeError("nginx set no sticky cookie")


def render_site(ports: list[int], listen: int, access_log: Path) -> str:
    """deploy/nginx/explorer.conf as shipped, with these replicas, this port and this log file."""
    text = SITE.read_text()
    servers = re.findall(r"^( +)server 127\.0\.0\.1:\d+ (.*);$", text, flags=re.M)
    if len(servers) < 1:
        raise ValueError(f"{SITE} has no `server 127.0.0.1:PORT ...;` lines")
    indent, options = servers[0]
    lines = "\n".join(f"{indent}server 127.0.0.1:{port} {options};" for port in ports)
    text = re.sub(r"^ +server 127\.0\.0\.1:\d+ .*;\n", "", text, flags=re.M)
    text = text.replace("    hash $explorer_key consistent;\n", f"    hash $explorer_key consistent;\n{lines}\n")
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{listen};"),
        ("/var/log/nginx/explorer.access.log", str(access_log)),
    ):
        if old not in text:
            raise ValueError(f"{SITE} no longer has {old!r}: update tests/deploy/cluster.py")
        text = text.replace(old, new)
    return text


def nginx_conf(prefix: Path, site: Path) -> str:
    """A whole nginx.conf around the site: foreground, temp files and logs under `prefix`."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers as the current user, not nobody
    temps = "".join(
        f"    {name}_temp_path {prefix / name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}daemon off;\nworker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
        f"events {{ worker_connections 1024; }}\nhttp {{\n{temps}    access_log off;\n    include {site};\n}}\n"
    )


def start_replica(port: int, log: Path, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
        ],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@contextmanager
def replicas_behind_nginx(workdir: Path, n: int = 2, models_root: Path | None = None) -> Iterator[Cluster]:
    """Start `n` replicas (shared mode, one cookie secret) and nginx in front; yield once all answer."""
    if not Path(NGINX).exists():
        raise FileNotFoundError("nginx is not installed: `make test-deploy` installs Debian's nginx")
    workdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "EXPLORER_SHARED_MODE": "1",
        "EXPLORER_MODELS_ROOT": str(models_root or ""),
        "STREAMLIT_SERVER_COOKIE_SECRET": os.urandom(16).hex(),  # one secret for all replicas
    }
    with ExitStack() as stack:
        replicas = []
        for k in range(n):
            port, log = free_port(), workdir / f"replica-{k}.log"
            process = start_replica(port, log, env)
            stack.callback(stop, process)
            replicas.append(Replica(port, process, log))
        listen, access_log = free_port(), workdir / "access.log"
        site = workdir / "explorer.conf"
        site.write_text(render_site([r.port for r in replicas], listen, access_log))
        conf = workdir / "nginx.conf"
        conf.write_text(nginx_conf(workdir, site))
        subprocess.run([NGINX, "-t", "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")],
                       check=True, capture_output=True)  # fmt: skip
        proxy = subprocess.Popen(
            [NGINX, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "error.log")],
            stdout=(workdir / "nginx.out").open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        stack.callback(stop, proxy)
        for replica in replicas:
            wait_healthy(f"http://{replica.addr}", replica.process, timeout=180)
        url = f"http://127.0.0.1:{listen}"
        wait_healthy(url, proxy, timeout=30)
        yield Cluster(url, replicas, access_log, workdir)


def wait_until(predicate, timeout: float = 30, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
