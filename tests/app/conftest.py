"""AppTest helpers: every page is run through the real entry point, app.py, as Streamlit would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def run_page(page: str | None = None, *, params: dict[str, str] | None = None, timeout: float = 120) -> AppTest:
    """Run app.py, optionally switch to `page` (e.g. "pages/1_LSTM_gates.py"), with URL query params."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page is None:
        return at.run()
    at.run()
    return at.switch_page(page).run()


def plotly_specs(at: AppTest) -> list[dict]:
    """The JSON of every plotly chart on the page (AppTest has no typed accessor for them)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def messages(at: AppTest, kind: str) -> list[str]:
    return [el.value for el in getattr(at, kind)]


@pytest.fixture
def page_runner():
    return run_page
