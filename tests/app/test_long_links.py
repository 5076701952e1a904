"""Issue 24, kind 3: before a view's link passes the limit of the documented set-ups (ui/inputs.py
LINK_LIMIT), the page says so and offers the text as a file; a short link gets neither."""

import pytest

from tests.app.conftest import messages, run_page
from ui.inputs import LINK_LIMIT, link_bytes

ATTENTION = "pages/3_Transformer_attention.py"


@pytest.mark.parametrize(
    "text",
    [
        "The river bank flooded . " * 500,  # the kind: about a hundred sentences and more
        "银行的河岸" * 900,  # chosen: 4,500 non-ASCII characters (9 encoded bytes each)
    ],
)
def test_a_link_over_the_limit_is_named_and_a_file_offered(text):
    assert link_bytes({"text": [text]}) > LINK_LIMIT
    at = run_page(ATTENTION, params={"text": text})
    assert not at.exception
    warnings = [w for w in messages(at, "warning") if "link is now" in w]
    assert len(warnings) == 1 and f"over {LINK_LIMIT // 1000} KB" in warnings[0], warnings
    assert at.sidebar.text_area[0].value == text  # kept, never cut
    assert at.get("download_button"), "no file offered"


def test_a_short_link_gets_no_warning():
    at = run_page(ATTENTION, params={"text": "The bank of the river."})
    assert not [w for w in messages(at, "warning") if "link is now" in w]
