"""AppTest helpers: every page is run through the real entry point, app.py, as Streamlit would."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"


def run_page(page: str | None = None, *, params: dict[str, str] | None = None, timeout: float = 300) -> AppTest:
    """Run app.py, optionally switch to `page` (e.g. "pages/1_LSTM_gates.py"), with URL query params."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if page is not None:
        at.switch_page(page)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def plotly_specs(at: AppTest) -> list[dict]:
    """The JSON of every plotly chart on the page (AppTest has no typed accessor for them)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def array(value) -> np.ndarray:
    """A plotly JSON value as numpy: plotly >= 6 writes numpy data as {"dtype", "bdata", "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        data = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return data.reshape([int(n) for n in str(shape).split(",")]) if shape else data
    return np.asarray(value)


def messages(at: AppTest, kind: str) -> list[str]:
    """The messages as a reader sees them (user text in them is escaped Markdown: ui.literal)."""
    from ui.literal import shown

    return [shown(el.value) for el in getattr(at, kind)]


@pytest.fixture
def page_runner():
    return run_page
