"""The deploy/ recipes, checked without Docker or a cluster (neither runs here): the Dockerfile copies
only files that exist and everything the app imports, pins torch as the lock file does and turns
shared mode on; the Kubernetes manifest has the probe, affinity and requests the issue asks for;
the nginx config passes `nginx -t` as the tests render it."""

from __future__ import annotations

import ast
import re
import shlex
import shutil
import subprocess

import pytest
import yaml

from engine import policy
from tests.browser.harness import ROOT
from tests.deploy.cluster import NGINX, SITE, nginx_conf, render_site

DOCKERFILE = ROOT / "deploy" / "Dockerfile"
MANIFEST = ROOT / "deploy" / "kubernetes" / "explorer.yaml"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_the_dockerfile_copies_what_exists_and_everything_the_app_imports():
    copied = [shlex.split(args)[:-1] for kind, args in instructions() if kind == "COPY"]
    sources = [source.rstrip("/") for group in copied for source in group]
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
    ignored = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().split()
    assert not set(sources) & set(ignored), "the .dockerignore drops something the Dockerfile copies"
    local = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    shipped = [ROOT / "app.py"] + [f for s in sources if (ROOT / s).is_dir() for f in (ROOT / s).rglob("*.py")]
    for path in shipped:  # function-level imports count: a page that imports tests/ or bench/ breaks the image
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for name in names:
                top = name.split(".")[0]
                assert top not in local or top in sources, f"{path.relative_to(ROOT)} imports {name}, not copied"


def test_the_dockerfile_pins_torch_like_the_lock_and_turns_shared_mode_on():
    lock_torch = next(
        line for line in (ROOT / "requirements.lock").read_text().splitlines() if line.startswith("torch=")
    )
    run = " ".join(args for kind, args in instructions() if kind == "RUN")
    assert f"--no-deps {lock_torch} --index-url https://download.pytorch.org/whl/cpu" in run
    assert "--no-deps -r requirements.lock" in run
    env = " ".join(args for kind, args in instructions() if kind == "ENV")
    assert f"{policy.SHARED_ENV}=1" in env and f"{policy.ROOT_ENV}=/models" in env
    assert "HF_HUB_OFFLINE=1" in env
    cmd = next(args for kind, args in instructions() if kind == "CMD")
    assert '"--server.headless", "true"' in cmd and '"--server.address", "0.0.0.0"' in cmd
    assert any(kind == "USER" for kind, _ in instructions()), "the app does not run as root"


def test_the_kubernetes_manifest_has_probes_affinity_and_requests():
    docs = {doc["kind"]: doc for doc in yaml.safe_load_all(MANIFEST.read_text())}
    deployment, service = docs["Deployment"], docs["Service"]
    pod = deployment["spec"]["template"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    container = pod["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    probe = container["readinessProbe"]["httpGet"]
    assert probe["path"] == "/_stcore/health" and probe["port"] in ports
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env[policy.SHARED_ENV] == "1" and env[policy.ROOT_ENV] == "/models"
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in env
    assert service["spec"]["sessionAffinity"] == "ClientIP"
    assert service["spec"]["ports"][0]["targetPort"] in ports
    assert docs["Ingress"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert container["image"].split(":")[0] in DOCKERFILE.read_text()


def test_the_nginx_site_passes_websockets_and_hashes_a_cookie():
    site = SITE.read_text()
    for directive in (
        "hash $explorer_key consistent;",
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_http_version 1.1;",
        "proxy_read_timeout 1h;",
    ):
        assert directive in site
    assert "ip_hash" not in re.sub(r"#.*", "", site)


@pytest.mark.skipif(shutil.which(NGINX) is None, reason="nginx is not installed (make test-deploy installs it)")
def test_nginx_accepts_the_rendered_config(tmp_path):
    site = tmp_path / "explorer.conf"
    site.write_text(render_site([8501, 8502, 8503], 8080, tmp_path / "access.log"))
    (tmp_path / "nginx.conf").write_text(nginx_conf(tmp_path, site))
    check = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    assert site.read_text().count("server 127.0.0.1:85") == 3
