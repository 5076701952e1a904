"""The training record every model card quotes (engine/training/common.write_training_record)."""

import argparse
import json
from pathlib import Path

import torch

from engine.training.common import write_training_record


def test_the_record_on_disk_is_the_one_returned_with_paths_as_text(tmp_path):
    args = argparse.Namespace(steps=2, export=Path("assets/charrnn"), lr=3e-3)
    log = [{"step": 2, "seconds": 3, "valid_bpc": 4.5}]
    info = write_training_record(tmp_path, 2, 12.6, log, args)
    assert json.loads((tmp_path / "training.json").read_text()) == info
    assert info == {
        "steps": 2,
        "train_seconds": 13,
        "threads": torch.get_num_threads(),
        "log": log,
        "args": {"steps": 2, "export": "assets/charrnn", "lr": 3e-3},
    }
