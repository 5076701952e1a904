"""Shared mode x the official ELMo fetch: a visitor is never offered a download (the operator fetches with
`python -m engine elmo-fetch`), the CLI still fetches, and a fetched model is still in the model lists."""

from __future__ import annotations

import pytest

from engine import policy
from engine.models.elmo import official as O
from tests.app.conftest import messages, run_page
from tests.engine.test_elmo_fetch import Server, model_bytes
from ui import cached

PAGE = "pages/2_ELMo_language_model.py"


@pytest.fixture
def shared_cache(tmp_path, monkeypatch):
    monkeypatch.setenv(policy.SHARED_ENV, "1")
    monkeypatch.delenv(policy.ROOT_ENV, raising=False)
    monkeypatch.setenv(O.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def fetched(cache) -> None:
    (cache / "small").mkdir(parents=True)
    for name, data in model_bytes().items():
        (cache / "small" / name).write_bytes(data)


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_a_shared_server_offers_no_download_and_names_the_operator_command(shared_cache):
    at = run_page(PAGE)
    assert not at.exception
    assert not [b for b in at.button if b.key == "fetch_official"], "no fetch button for a visitor"
    assert not [r for r in at.radio if r.key == "fetch_size"]
    assert any("operator" in c for c in captions(at))
    assert [c.value for c in at.code] == ["python -m engine elmo-fetch small   # or medium, original"]
    assert not any(str(shared_cache) in c for c in captions(at)), "no server path is shown"
    assert any("downloads nothing for a visitor" in c for c in captions(at))


def test_a_model_the_operator_fetched_is_in_the_lists(shared_cache):
    fetched(shared_cache)
    at = run_page(PAGE, params={"lm_model": "official ELMo small"})
    assert not at.exception and not messages(at, "error")
    assert at.selectbox(key="lm_model").options == ["this app's biLM", "official ELMo small"]
    assert "official ELMo small forward" in cached.lstm_models()
    sha = O.load_verified("small", shared_cache).sha256
    assert any(sha[O.file_names("small")["weights"]] in t.value for t in at.text)
    assert not [b for b in at.button if b.key == "fetch_official"]


def test_the_operator_cli_still_fetches_in_shared_mode(shared_cache, monkeypatch):
    from engine.__main__ import main

    server = Server()
    try:
        assert main(["elmo-fetch", "small", "--base-url", server.url]) == 0
    finally:
        server.close()
    assert O.available() == ["small"]


def test_own_machine_still_offers_the_fetch(tmp_path, monkeypatch):
    monkeypatch.delenv(policy.SHARED_ENV, raising=False)
    monkeypatch.setenv(O.CACHE_ENV, str(tmp_path / "cache"))
    at = run_page(PAGE)
    assert [b for b in at.button if b.key == "fetch_official"]
