"""The README's examples of "Use it from Python" run as printed."""

from __future__ import annotations

import re

import numpy as np

import nlpexplorer as nx
from engine.models import user_lstm
from tests.api.notebooks import ROOT

SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Use it from Python", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```python\n(.*?)```", SECTION, flags=re.S)


def test_the_five_line_example_runs() -> None:
    names: dict = {}
    exec(BLOCKS[0], names)
    assert names["view"].arrays["attentions"].shape == (6, 12, 8, 8)


def test_the_saving_example_writes_a_folder_the_pages_open(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    names: dict = {}
    exec(BLOCKS[1], names)
    model = user_lstm.load(tmp_path / "my-lstm")
    view = nx.gates(str(tmp_path / "my-lstm"), "a bank.", layer=2)
    np.testing.assert_array_equal(view["c"], model.trace("a bank.").c[1, 0, 0])
    assert model.trace("a bank.").probs.shape == (7, 30)
