"""The pages on a shared server (EXPLORER_SHARED_MODE=1): folders only from the models root, no
pickle box, no hub, and refusals that name no server path."""

from __future__ import annotations

import shutil

import pytest

from engine import ASSETS, policy
from engine.validation import ModelLoadError
from tests.app.conftest import messages, plotly_specs, run_page
from tests.engine.test_transformer import tiny_gpt2_folder
from ui import feedback, literal

ATTENTION = "pages/3_Transformer_attention.py"
SENSES = "pages/2_ELMo_senses.py"
TEXT = "the bank of the river"


@pytest.fixture
def shared(tmp_path, monkeypatch):
    root, outside = tmp_path / "models", tmp_path / "private"
    tiny_gpt2_folder(root / "tiny")
    shutil.copytree(root / "tiny", outside / "model")
    (root / "escape").symlink_to(outside)
    monkeypatch.setenv(policy.SHARED_ENV, "1")
    monkeypatch.setenv(policy.ROOT_ENV, str(root))
    return root, outside


def test_a_folder_of_the_library_loads_and_no_pickle_box_is_offered(shared):
    at = run_page(ATTENTION, params={"text": TEXT, "model": "local folder", "folder": "tiny"})
    assert not at.exception, at.exception
    assert not messages(at, "error")
    assert len(at.checkbox) == 0, "no 'allow pickled weights' box on a shared server"
    assert "Type one of their names: tiny." in at.text_input(key="folder").help
    assert len(plotly_specs(at)) == 2


@pytest.mark.parametrize("name", ["../private/model", "escape/model", "/no/such/model", "openai-community/gpt2"])
def test_paths_out_of_the_root_and_hub_names_are_refused_alike(shared, name):
    root, outside = shared
    at = run_page(ATTENTION, params={"text": TEXT, "model": "local folder", "folder": str(outside / "model")})
    absolute = messages(at, "error")
    at = run_page(ATTENTION, params={"text": TEXT, "model": "local folder", "folder": name})
    assert not at.exception
    errors = messages(at, "error")
    assert errors == absolute == [policy.refused_message()]
    assert not plotly_specs(at)
    assert at.text_input(key="folder").value == name  # the user's text stays
    assert all(str(root) not in e and "private" not in e and "exist" not in e for e in errors)


def test_the_elmo_folder_is_refused_the_same_way(shared):
    at = run_page(SENSES, params={"compare": "false", "elmo": "official files (folder)", "elmo_folder": "../private"})
    assert not at.exception
    assert messages(at, "error") == [policy.refused_message()]
    assert not plotly_specs(at)


def test_an_elmo_folder_of_the_library_loads(shared):
    root, _ = shared
    shutil.copytree(ASSETS / "elmo", root / "elmo")  # the shipped biLM, in the official files' layout
    at = run_page(
        SENSES, params={"compare": "false", "map": "PCA", "elmo": "official files (folder)", "elmo_folder": "elmo"}
    )
    assert not at.exception, at.exception
    assert not messages(at, "error"), messages(at, "error")
    assert plotly_specs(at)
    assert "ELMo (elmo)" in at.caption[0].value


def test_messages_on_a_shared_server_name_no_server_path(shared, monkeypatch):
    root, _ = shared
    shown: list[str] = []
    monkeypatch.setattr(feedback.st, "error", lambda message, icon=None: shown.append(message))
    with feedback.friendly_errors("loading the model"):
        raise ModelLoadError(f"{root}/tiny/model.safetensors is not a readable weight file")
    with feedback.friendly_errors("running the model"):
        raise FileNotFoundError(f"{root.parent}/private/secret.txt")
    assert literal.shown(shown[0]) == "tiny/model.safetensors is not a readable weight file"
    assert "private" not in shown[1] and "FileNotFoundError" not in shown[1] and "running the model" in shown[1]


def test_without_a_models_root_no_folder_is_offered(monkeypatch):
    monkeypatch.setenv(policy.SHARED_ENV, "1")
    monkeypatch.delenv(policy.ROOT_ENV, raising=False)
    at = run_page(ATTENTION, params={"text": TEXT})
    assert at.selectbox(key="model").options == ["MiniLM"]
    at = run_page(SENSES, params={"compare": "false"})
    assert at.selectbox(key="elmo").options == ["this app's biLM"]


def test_own_machine_still_offers_the_pickle_box(monkeypatch):
    monkeypatch.delenv(policy.SHARED_ENV, raising=False)
    at = run_page(ATTENTION, params={"text": TEXT, "model": "local folder", "folder": "/no/such/model"})
    assert [c.label for c in at.checkbox] == ["Allow pickled weights (pytorch_model.bin)"]
    assert any("does not exist" in e for e in messages(at, "error"))
