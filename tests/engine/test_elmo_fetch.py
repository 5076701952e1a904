"""Fetching the official ELMo: a local HTTP server (127.0.0.1, a free port, started here) serves a small
model in the official layout under AllenNLP's file names, and misbehaves on demand. After every case the
cache holds either a verified pair or nothing."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import h5py
import numpy as np
import pytest

from engine.models.elmo import Elmo, ElmoOptions
from engine.models.elmo import official as O
from tests.engine.test_elmo import TINY, tiny_arrays

SIZE = "small"
NAMES = O.file_names(SIZE)


def model_bytes(options: dict = TINY, seed: int = 0) -> dict[str, bytes]:
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        for name, array in tiny_arrays(options, seed).items():
            h5.create_dataset(name, data=array)
    return {NAMES["options"]: json.dumps(options).encode(), NAMES["weights"]: buffer.getvalue()}


class Server:
    """Serves `files` under /<model name>/<file>; `mode[file]` says how to misbehave."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = model_bytes()
        self.mode: dict[str, str] = {}
        self.requests: list[str] = []
        self.no_length = False
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                name = self.path.rsplit("/", 1)[-1]
                server.requests.append(name)
                if not self.path.startswith(f"/{O.SIZES[SIZE]}/") or name not in server.files:
                    self.send_error(404)
                    return
                data, mode = server.files[name], server.mode.get(name, "ok")
                if mode == "html":
                    data = b"<!DOCTYPE html><html><body>Access denied</body></html>"
                if mode == "slow":
                    time.sleep(2)
                self.send_response(200)
                self.send_header("Content-Type", "text/html" if mode == "html" else "application/octet-stream")
                if not server.no_length:  # a mirror sending chunked data, or closing to end it
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if mode in ("drop", "drop-once"):
                    self.wfile.write(data[: len(data) // 2])  # then the connection goes away
                    self.wfile.flush()
                    self.close_connection = True
                    if mode == "drop-once":
                        server.mode[name] = "ok"
                    return
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (slow)
                    self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def root(tmp_path):
    return tmp_path / "cache"


def assert_verified_pair_or_nothing(root, expect_pair: bool) -> None:
    leftovers = [p.name for p in root.iterdir() if p.name.startswith(".")] if root.exists() else []
    assert leftovers == [], f"staging files left behind: {leftovers}"
    if not expect_pair:
        assert not (root / SIZE).exists() and O.available(root) == []
        return
    assert O.available(root) == [SIZE]
    model = O.load_verified(SIZE, root)
    O.verify_pair(model.options, model.weights)
    for path in (model.options, model.weights):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == model.sha256[path.name]
    assert sorted(p.name for p in (root / SIZE).iterdir()) == sorted([*NAMES.values(), O.VERIFIED])


def test_good_fetch_installs_a_verified_pair_that_loads(server, root):
    model = O.fetch(SIZE, base=server.url, root=root, retries=1)
    assert model.folder == root / SIZE and model.weights.name == "elmo_2x1024_128_2048cnn_1xhighway_weights.hdf5"
    assert model.sha256[NAMES["weights"]] == hashlib.sha256(server.files[NAMES["weights"]]).hexdigest()
    assert json.loads((root / O.KNOWN_HASHES).read_text()) == model.sha256
    assert_verified_pair_or_nothing(root, expect_pair=True)
    elmo = Elmo.from_files(model.options, model.weights)
    assert not elmo.can_predict and elmo.embed([["a", "bank"]])[0].shape == (3, 2, 12)


def test_a_connection_dropped_mid_file_is_retried(server, root):
    server.mode[NAMES["weights"]] = "drop-once"
    O.fetch(SIZE, base=server.url, root=root, retries=3, timeout=5)
    assert server.requests.count(NAMES["weights"]) == 2
    assert_verified_pair_or_nothing(root, expect_pair=True)


def test_a_connection_that_always_drops_leaves_nothing(server, root):
    server.mode[NAMES["weights"]] = "drop"
    with pytest.raises(O.FetchError, match=r"after 2 tries.*needs the network"):
        O.fetch(SIZE, base=server.url, root=root, retries=2, timeout=5)
    assert_verified_pair_or_nothing(root, expect_pair=False)


def test_a_truncated_file_is_refused(server, root):
    weights = server.files[NAMES["weights"]]
    server.files[NAMES["weights"]] = weights[: len(weights) * 2 // 3]  # served whole: HTTP cannot tell
    with pytest.raises(O.FetchError, match="not a complete HDF5 file"):
        O.fetch(SIZE, base=server.url, root=root, retries=1)
    assert_verified_pair_or_nothing(root, expect_pair=False)


@pytest.mark.parametrize("which", ["options", "weights"])
def test_html_instead_of_the_file_is_refused(server, root, which):
    server.mode[NAMES[which]] = "html"
    with pytest.raises(O.FetchError, match="web page"):
        O.fetch(SIZE, base=server.url, root=root, retries=1)
    assert_verified_pair_or_nothing(root, expect_pair=False)


def test_a_dataset_of_the_wrong_shape_is_refused(server, root):
    wider = json.loads(json.dumps(TINY))
    wider["lstm"]["dim"] = 11
    server.files[NAMES["weights"]] = model_bytes(wider)[NAMES["weights"]]  # options still say 10
    with pytest.raises(O.FetchError, match=r"W_0 has shape \(12, 44\), the options call for \(12, 40\)"):
        O.fetch(SIZE, base=server.url, root=root, retries=1)
    assert_verified_pair_or_nothing(root, expect_pair=False)


def test_a_changed_sha256_on_a_second_fetch_is_refused_and_the_first_pair_kept(server, root):
    first = O.fetch(SIZE, base=server.url, root=root, retries=1)
    server.files[NAMES["weights"]] = model_bytes(seed=7)[NAMES["weights"]]  # valid, but other bytes
    with pytest.raises(O.FetchError, match="has changed: its sha256 is now"):
        O.fetch(SIZE, base=server.url, root=root, retries=1)
    assert_verified_pair_or_nothing(root, expect_pair=True)
    assert O.load_verified(SIZE, root).sha256 == first.sha256
    server.files[NAMES["weights"]] = model_bytes()[NAMES["weights"]]  # the same bytes again: fine
    assert O.fetch(SIZE, base=server.url, root=root, retries=1).sha256 == first.sha256


def test_no_server_at_all(root):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free, and nothing listens once closed
    with pytest.raises(O.FetchError, match=rf"Could not download http://127.0.0.1:{port}.*copy the official files"):
        O.fetch(SIZE, base=f"http://127.0.0.1:{port}", root=root, retries=2, timeout=2)
    assert_verified_pair_or_nothing(root, expect_pair=False)


def test_a_slow_server_times_out(server, root):
    server.mode[NAMES["options"]] = "slow"
    with pytest.raises(O.FetchError, match="ReadTimeout"):
        O.fetch(SIZE, base=server.url, root=root, retries=1, timeout=0.5)
    assert_verified_pair_or_nothing(root, expect_pair=False)


def test_files_copied_by_hand_are_verified_on_first_use(root):
    (root / SIZE).mkdir(parents=True)
    for name, data in model_bytes().items():
        (root / SIZE / name).write_bytes(data)
    assert O.available(root) == [SIZE]
    model = O.load_verified(SIZE, root)
    assert (root / SIZE / O.VERIFIED).is_file() and json.loads((root / O.KNOWN_HASHES).read_text()) == model.sha256
    (root / SIZE / NAMES["weights"]).write_bytes(b"<html>oops</html>")
    with pytest.raises(O.FetchError, match="web page"):
        O.load_verified(SIZE, root)


def test_expected_shapes_match_what_the_loader_reads():
    shapes = O.expected_shapes(ElmoOptions.from_dict(TINY))
    arrays = tiny_arrays(TINY, 0)
    assert shapes == {name: array.shape for name, array in arrays.items()}
    assert all(np.issubdtype(a.dtype, np.floating) for a in arrays.values())


def test_command_line_fetch_with_a_mirror(server, root, monkeypatch, capsys):
    from engine.__main__ import main

    monkeypatch.setenv(O.CACHE_ENV, str(root))
    assert main(["elmo-fetch", SIZE, "--base-url", server.url, "--retries", "1"]) == 0
    out = capsys.readouterr()
    assert "sha256" in out.out and str(root / SIZE) in out.out
    monkeypatch.setenv(O.BASE_URL_ENV, server.url)  # the environment variable instead of the option
    server.files[NAMES["weights"]] = model_bytes(seed=7)[NAMES["weights"]]
    assert main(["elmo-fetch", SIZE, "--retries", "1"]) == 2
    assert "has changed" in capsys.readouterr().err
    assert_verified_pair_or_nothing(root, expect_pair=True)
