"""Run one page's default view in THIS process (AppTest, warm-up off) and print what it drew and imported.

    python -m tests.app.first_view_probe pages/1_LSTM_gates.py [--param key=value ...]

Prints one JSON line: {"charts": n, "images": n, "errors": [...], "heavy": {module: [project frames that
imported it first]}}. `heavy` names every module of HEAVY in sys.modules after the run, with the chain of
the project's own frames (file:line) that imported it, so a failure says where the import came from.
Used by tests/app/test_first_view_imports.py in a fresh process per page (issue 24, kind 8).
"""

from __future__ import annotations

import argparse
import importlib.abc
import json
import os
import sys
import traceback
from pathlib import Path

HEAVY = ("torch", "transformers", "sklearn", "umap", "pandas", "engine.models.glove")
ROOT = Path(__file__).resolve().parents[2]


class _Recorder(importlib.abc.MetaPathFinder):
    """Notes the project frames behind the first import of each HEAVY module; finds nothing itself."""

    def __init__(self) -> None:
        self.chains: dict[str, list[str]] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname in HEAVY and fullname not in self.chains:
            frames = traceback.extract_stack()[:-1]
            self.chains[fullname] = [
                f"{Path(f.filename).relative_to(ROOT)}:{f.lineno}"
                for f in frames
                if f.filename.startswith(str(ROOT))
                and "/.venv/" not in f.filename
                and "first_view_probe" not in f.filename
            ]
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", help='"app.py" or "pages/....py"')
    parser.add_argument("--param", action="append", default=[], help="key=value query parameter")
    args = parser.parse_args()
    os.environ.setdefault("EXPLORER_WARMUP", "0")
    recorder = _Recorder()
    sys.meta_path.insert(0, recorder)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=240)
    if args.page != "app.py":
        at.switch_page(args.page)
    for pair in args.param:
        key, _, value = pair.partition("=")
        at.query_params[key] = value
    at.run()
    found = {
        "charts": len(at.get("plotly_chart")),
        "images": len(at.get("image")),
        "errors": [e.value for e in at.exception] + [e.value for e in at.error],
        "heavy": {name: recorder.chains.get(name, []) for name in HEAVY if name in sys.modules},
    }
    print(json.dumps(found))


if __name__ == "__main__":
    main()
