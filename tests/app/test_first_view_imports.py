"""Issue 24, kind 8 (the first minute): a page's default view, stored on disk, is drawn without torch.

A fresh server's first visitors must not wait 2-3 s for `import torch` (nor transformers, scikit-learn,
UMAP, GloVe's 400,000 vectors) when their view is already on disk (ui/viewcache.py). Each page runs in a
FRESH PROCESS (a subprocess: an import done once in this one would hide the next), through AppTest with the warm-up off
(`EXPLORER_WARMUP=0`) and a temporary `EXPLORER_VIEW_CACHE` the fixture fills, exactly as the warm-up
does, with the views these pages open on (tests/app/first_view_probe.py does the run and reports
which project lines imported what). The other inputs of the same kind: the home page's "Try" links
and a teacher's lesson link (`lesson=heads&step=1`), stored too (ui/first_views.py).

The pages whose default views need ELMo, UMAP or the lessons (senses, Compare, Lessons, ...) take
minutes to store: `test_every_stored_page_draws_without_torch` (marker `robust`) covers them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

import pytest

from ui.first_views import ATTENTION_TRY, LSTM_TRY

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("torch", "transformers", "sklearn", "umap", "engine.models.glove")  # what a stored view must not import
CHEAP = (  # views stored in seconds (the char-LSTM, MiniLM, this app's biLM), lessons' first steps too
    "lstm_gates",
    "attention",
    "char_reading",
    "char_intervention",
    "lm_facts",
    "lm_fill_blank",
    "lm_word_in_blank",
    "lm_word_guesses",
    "inside_opened",
    "inside_positions",
    "inside_order_swap",
    "inside_heads_off",
)
TRY_LINKS = {  # the home page's "Try" links (app.py TRY), as the class opens them, and a teacher's lesson link
    "pages/0_Lessons.py": {"lesson": "heads", "step": "1"},
    "pages/1_LSTM_gates.py": {"text": LSTM_TRY, "q": "c", "order": "pattern"},
    "pages/3_Transformer_attention.py": {
        "text": ATTENTION_TRY,
        "layer": "4",
        "head": "2",
        "words": "true",
        "stat": "max",
    },
}


def _env(folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "EXPLORER_VIEW_CACHE": str(folder),
        "EXPLORER_WARMUP": "0",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def store_views(folder: Path, names: tuple[str, ...] | None) -> None:
    """Store the views of `names` (None: every view the warm-up stores) in `folder`, in a subprocess."""
    code = (
        "import sys\nfrom ui import first_views\nnames = sys.argv[1:] or None\n"
        "for name, *args in first_views.views():\n"
        "    if names is None or name in names:\n"
        "        first_views.store(name, *args)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *(names or ())], cwd=ROOT, env=_env(folder), capture_output=True, text=True,
        timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def first_view(folder: Path, page: str, params: dict[str, str] | None = None) -> dict:
    """What `page`'s first run drew and imported, in a fresh process (tests/app/first_view_probe.py)."""
    args = [f"--param={key}={value}" for key, value in (params or {}).items()]
    done = subprocess.run(
        [sys.executable, "-m", "tests.app.first_view_probe", page, *args],
        cwd=ROOT, env=_env(folder), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def assert_drawn_without_torch(found: dict, page: str) -> None:
    drawn = found["images"] if page == "app.py" else found["charts"]
    assert drawn >= 1 and not found["errors"], f"{page}: nothing drawn, or errors: {found}"
    heavy = {name: chain for name, chain in found["heavy"].items() if name in FORBIDDEN}
    where = "; ".join(f"{name} imported by {' -> '.join(chain) or '?'}" for name, chain in heavy.items())
    assert not heavy, f"{page}'s stored view imported {where}"


@pytest.fixture(scope="module")
def cheap_views(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("views")
    store_views(folder, CHEAP)
    return folder


@pytest.mark.parametrize(
    "page",
    [
        "app.py",
        "pages/0_Lessons.py",
        "pages/1_LSTM_gates.py",
        "pages/1_LSTM_step_by_step.py",
        "pages/2_ELMo_language_model.py",
        "pages/3_Inside_attention.py",
        "pages/3_Transformer_attention.py",
    ],
)
def test_a_stored_default_view_is_drawn_without_torch(cheap_views, page):
    assert_drawn_without_torch(first_view(cheap_views, page), page)


@pytest.mark.parametrize("page", list(TRY_LINKS))
def test_the_home_pages_try_links_and_a_lesson_link_are_drawn_without_torch(cheap_views, page):
    params = TRY_LINKS[page]
    found = first_view(cheap_views, page, params)
    assert_drawn_without_torch(found, f"{page}?{urlencode(params)}")


def test_a_view_not_stored_still_runs_the_model(cheap_views):
    """The check can fail: a text nobody stored is computed, so torch is imported (and the chart drawn)."""
    found = first_view(cheap_views, "pages/1_LSTM_gates.py", {"text": "A text no one stored."})
    assert found["charts"] >= 1 and "torch" in found["heavy"]


NEEDS_A_MODEL: dict[str, str] = {}  # page -> why its default view still loads a model (none left)


@pytest.fixture(scope="module")
def every_view(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("every-view")
    store_views(folder, None)  # what the warm-up stores: ELMo, MiniLM, UMAP (about 2 minutes on 2 cores)
    return folder


@pytest.mark.robust
@pytest.mark.parametrize("page", ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))])
def test_every_stored_page_draws_without_torch(every_view, page):
    """Every page with every view the warm-up stores; a page that still needs a model is a strict xfail,
    named with the reason, so that the day it draws without torch the test says so."""
    found = first_view(every_view, page)
    if page in NEEDS_A_MODEL:
        drawn = found["charts"] >= 1 and not found["errors"]
        assert drawn, f"{page}: nothing drawn, or errors: {found}"
        if not any(name in found["heavy"] for name in FORBIDDEN):
            pytest.fail(f"{page} now draws without torch: remove it from NEEDS_A_MODEL")
        pytest.xfail(NEEDS_A_MODEL[page])
    assert_drawn_without_torch(found, page)
