"""engine.policy: on a shared server a visitor loads only folders inside the models root, never a
pickle or a hub name, and a refusal says nothing about the server's files; on one's own machine
nothing changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from engine import policy
from engine.models import transformer as T
from engine.validation import InputError, ModelLoadError, check_model_dir
from tests.engine.test_transformer import tiny_gpt2_folder


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> tuple[Path, Path]:
    """root/ (the models library) and outside/ (the rest of the server), with every trick in between.

    root/tiny        a real model folder (safetensors)      outside/model    a real model folder
    root/inner       symlink to root/tiny (stays inside)    outside/secret   a plain file
    root/escape      symlink to outside/ (leads out)
    root/void        symlink to outside/empty (leads out to an empty folder)
    root/leaky       a folder whose weight file links to outside/model's weights
    root/pickled     config.json + pytorch_model.bin only
    root/notes.txt   a file, not a folder
    """
    base = tmp_path_factory.mktemp("server")
    root, outside = base / "root", base / "outside"
    root.mkdir()
    outside.mkdir()
    tiny_gpt2_folder(root / "tiny")
    shutil.copytree(root / "tiny", outside / "model")
    (outside / "secret").write_text("do not show")
    (root / "inner").symlink_to(root / "tiny")
    (root / "escape").symlink_to(outside)
    (outside / "empty").mkdir()
    (root / "void").symlink_to(outside / "empty")  # leads out to a folder with nothing in it
    (root / "leaky").mkdir()
    for item in (root / "tiny").iterdir():
        if item.suffix != ".safetensors":
            shutil.copy(item, root / "leaky" / item.name)
    (root / "leaky" / "model.safetensors").symlink_to(outside / "model" / "model.safetensors")
    (root / "pickled").mkdir()
    (root / "pickled" / "config.json").write_text("{}")
    (root / "pickled" / "pytorch_model.bin").write_bytes(b"not really")
    (root / "notes.txt").write_text("a file")
    (root / ".hidden").mkdir()
    return root, outside


@pytest.fixture
def shared(library, monkeypatch) -> policy.Policy:
    monkeypatch.setenv(policy.SHARED_ENV, "1")
    monkeypatch.setenv(policy.ROOT_ENV, str(library[0]))
    return policy.current()


@pytest.fixture
def own_machine(monkeypatch) -> policy.Policy:
    monkeypatch.delenv(policy.SHARED_ENV, raising=False)
    monkeypatch.delenv(policy.ROOT_ENV, raising=False)
    return policy.current()


def escapes(root: Path, outside: Path) -> list[str]:
    """Names a visitor might type to reach outside the root: each must be refused, all alike."""
    return [
        str(outside / "model"),  # absolute, exists
        str(outside / "no-such-model"),  # absolute, does not exist
        "/etc",
        "/",
        "~",
        "~/model",
        "../outside/model",  # exists
        "../outside/no-such-model",  # does not exist
        "tiny/../../outside/model",
        "tiny/../tiny/../../outside/model",
        "..",
        ".",
        "./tiny",
        "tiny/./",
        "",
        "   ",
        "escape",  # a symlink out of the root
        "escape/model",
        "escape/secret",
        "void",
        "leaky",  # inside, but its weights link out
        "no-such-model",  # inside, does not exist
        "notes.txt",  # inside, a file
        "tiny/config.json",
        ".hidden/../../outside/model",
        "%2e%2e/outside/model",  # URL-encoded: never decoded, so it is just a name that is not there
        "..%2foutside%2fmodel",
        "tiny\\..\\..\\outside\\model",
        "tiny\x00",
        "ti\nny",  # a control character inside (surrounding spaces are trimmed, as everywhere)
        "．．/outside/model",  # full-width dots
        "\u2025/outside/model",  # two-dot leader
        "tiny//../../outside/model",
        "x" * 5000,
        str(root / "tiny"),  # absolute even inside the root: names are relative to the library
    ]


def test_every_escape_is_refused_with_one_message_that_names_no_path(library, shared):
    root, outside = library
    expected = policy.refused_message(shared)
    assert expected.endswith("Type one of their names: inner, leaky, pickled, tiny.")
    for name in escapes(root, outside):
        with pytest.raises(InputError) as caught:
            policy.model_folder(name)
        assert str(caught.value) == expected, name
        problems = policy.check_folder(name, allow_pickle=True)
        assert [p.message for p in problems] == [expected], name
        for secret in (str(root), str(outside), "outside", "secret", "exist", "/etc"):
            assert secret not in str(caught.value)


def test_names_inside_the_root_resolve_there(library, shared):
    root, _ = library
    assert policy.model_folder("tiny") == (root / "tiny").resolve()
    assert policy.model_folder(" tiny/ ") == (root / "tiny").resolve()
    assert policy.model_folder("inner") == (root / "tiny").resolve()  # a symlink that stays inside
    assert policy.check_folder("tiny") == []


def test_offered_folders_skip_hidden_files_and_links_out(library, shared):
    assert policy.offered_folders() == ["inner", "leaky", "pickled", "tiny"]
    # "leaky" is listed (it is a real folder inside) but refused when opened, with the same message


def test_pickles_are_refused_even_when_asked_for(library, shared):
    problems = policy.check_folder("pickled", allow_pickle=True)
    assert len(problems) == 1 and "pickled" in problems[0].message and "never loads" in problems[0].message
    assert str(library[0]) not in problems[0].message
    with pytest.raises(ModelLoadError, match="never loads pickled"):
        T.load("tiny", allow_pickle=True)
    with pytest.raises(ModelLoadError, match="never loads pickled"):
        T.load("pickled", allow_pickle=True)


def test_hub_names_are_refused_and_never_reach_the_hub(library, shared, monkeypatch):
    assert not shared.allows_hub and not shared.allows_downloads and not shared.allows_pickles
    monkeypatch.setattr(T, "_from_folder", lambda *a, **k: pytest.fail("must not load"))
    for name in ("bert-base-uncased", "google/bert_uncased_L-2_H-128_A-2", "openai-community/gpt2"):
        with pytest.raises(ModelLoadError, match="only the model folders it offers"):
            T.load(name)
    with pytest.raises(ModelLoadError, match="does not fetch models from a hub"):
        T._from_hub("openai-community/gpt2", allow_pickle=False)


def test_a_shared_server_loads_a_folder_of_its_library(library, shared):
    model = T.load("inner")
    result = model.run("the bank of the river")
    assert result.attentions.shape == (2, 2, 5, 5)
    np.testing.assert_allclose(result.attentions.sum(-1), 1.0, atol=1e-6)
    assert str(library[0]) not in model.description


def test_the_default_model_still_loads_in_shared_mode(shared):
    assert T.load().num_heads == 12


def test_messages_lose_the_root_location(library, shared):
    root = library[0]
    assert policy.public_message(f"{root}/tiny could not be loaded") == "tiny could not be loaded"
    assert policy.public_message(f"bad root {root}") == "bad root the models library"


def test_own_machine_keeps_its_freedom(library, own_machine, tmp_path):
    root, outside = library
    assert not own_machine.shared and own_machine.allows_pickles and own_machine.allows_hub
    assert own_machine.allows_downloads and own_machine.allows_folders
    assert policy.model_folder(str(outside / "model")) == outside / "model"
    assert policy.check_folder(str(outside / "model")) == check_model_dir(outside / "model") == []
    missing = policy.check_folder(str(tmp_path / "nope"))
    assert "does not exist" in missing[0].message  # one's own machine gets the precise message
    assert policy.check_folder(str(root / "pickled"), allow_pickle=True) == []
    model = T.load(str(outside / "model"))  # an absolute path outside any root loads as before
    assert model.run("the bank of the river").attentions.shape == (2, 2, 5, 5)
    assert policy.public_message(f"{root}/x") == f"{root}/x"
    policy.refuse_pickles(True)
    policy.refuse_hub()


@pytest.mark.parametrize(
    "value, shared",
    [("", False), ("0", False), ("false", False), ("Off", False), ("1", True), ("yes", True), ("tru", True)],
)
def test_the_setting_fails_safe(value, shared, monkeypatch):
    monkeypatch.setenv(policy.SHARED_ENV, value)
    monkeypatch.delenv(policy.ROOT_ENV, raising=False)
    assert policy.current().shared is shared


def test_shared_without_a_root_offers_no_folders(monkeypatch, tmp_path):
    monkeypatch.setenv(policy.SHARED_ENV, "1")
    monkeypatch.setenv(policy.ROOT_ENV, str(tmp_path / "missing"))
    rules = policy.current()
    assert rules.models_root is None and not rules.allows_folders
    with pytest.raises(InputError, match="offers no model folders"):
        policy.model_folder("tiny")
    assert os.environ[policy.ROOT_ENV] not in policy.refused_message(rules)
