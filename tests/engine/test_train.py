"""The trainer end to end on a tiny corpus: it learns, resumes where it stopped, and exports a model
the app can load (without touching the shipped checksums when exporting outside assets/)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine import assets
from engine.models.charlstm import CharLstm
from engine.training import train
from engine.training.modelcard import segments, training_minutes

LINES = ["the bank of the river .", "she put money in the bank .", "a spring of clear water ."]


def tiny_corpus(directory: Path) -> Path:
    directory.mkdir()
    (directory / "train.txt").write_text("\n".join(LINES * 40) + "\n")
    (directory / "valid.txt").write_text("\n".join(LINES) + "\n")
    return directory


def charlstm_args(tmp_path: Path, steps: int, *extra: str) -> list[str]:
    common = ["--corpus", str(tmp_path / "corpus"), "--checkpoints", str(tmp_path / "ckpt"), "--threads", "1"]
    model = ["charlstm", "--steps", str(steps), "--eval-every", "2", "--batch", "2", "--seq-len", "8"]
    sizes = ["--hidden", "16", "--layers", "1", "--embedding-dim", "4", "--min-char-count", "1", "--lr", "1e-2"]
    return [*common, *extra, *model, *sizes]


def test_charlstm_trains_resumes_and_exports(tmp_path):
    tiny_corpus(tmp_path / "corpus")
    checksums_before = assets.CHECKSUMS.read_bytes()
    train.main(charlstm_args(tmp_path, 4))
    state_file = tmp_path / "ckpt" / "charlstm" / "state.json"
    state = json.loads(state_file.read_text())
    state["log"][-1]["seconds"] = 1000  # as if the first run had taken 1000 s
    state_file.write_text(json.dumps(state))
    train.main(charlstm_args(tmp_path, 8, "--resume", "--export", str(tmp_path / "model")))

    info = json.loads((tmp_path / "ckpt" / "charlstm" / "training.json").read_text())
    assert [entry["step"] for entry in info["log"]] == [2, 4, 6, 8], "the resumed run continues the same log"
    assert [entry["seconds"] >= 1000 for entry in info["log"]] == [False, True, True, True]
    assert info["train_seconds"] >= 1000, "the resumed run counts the time already spent"
    assert info["log"][-1]["valid_bpc"] < info["log"][0]["valid_bpc"], "it learns"

    model = CharLstm.load(tmp_path / "model")
    trace = model.trace("the bank")
    assert trace.c.shape[-2:] == (8, 16)
    assert np.isfinite(trace.h).all()
    assert assets.CHECKSUMS.read_bytes() == checksums_before, "an export outside assets/ records no checksum"


def test_model_card_adds_up_runs_whose_clock_restarted():
    log = [{"step": 500, "seconds": 300}, {"step": 1000, "seconds": 600}, {"step": 1500, "seconds": 290}]
    assert segments(log) == [(1000, 600), (1500, 290)]
    assert training_minutes({"log": log, "train_seconds": 290}) == (600 + 290) / 60
