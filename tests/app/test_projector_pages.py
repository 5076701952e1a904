"""Every page in projector mode (`?projector=true`, issue 23): it runs, and its tables go out as HTML tables
(`st.table`, sized by the projector CSS) rather than `st.dataframe`'s canvas, which stays at 13 px."""

from __future__ import annotations

import pytest

from tests.app.conftest import run_page
from tests.app.test_glossary_pages import PAGES


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "app.py")
def test_page_runs_in_projector_mode_with_html_tables_only(page):
    at = run_page(page, params={"projector": "true"})
    assert not at.exception
    assert len(at.dataframe) == 0, "a canvas table that CSS cannot enlarge"


def test_the_step_page_table_has_formatted_numbers_in_projector_mode():
    at = run_page("pages/1_LSTM_step_by_step.py", params={"projector": "true"})
    table = at.get("table")[-1]
    assert "change (KL divergence, bits)" in str(table.proto)
