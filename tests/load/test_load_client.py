"""The load client against a live server: a few students, both mixes, no errors and no cross-talk.

No timing is asserted: bench/load.py prints the latencies for reading (see README)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench.streamlit_client import RunResult, cross_talk, user_key

ROOT = Path(__file__).resolve().parents[2]


def test_user_key_reads_streamlit_widget_ids():
    assert user_key("$$ID-0123abcd-text") == "text"
    assert user_key("$$ID-0123abcd-w-0") == "w-0"
    assert user_key("0123abcd") == ""


def test_the_cold_class_opens_at_moments_spread_over_the_first_seconds():
    """Issue 24, kind 8: the class of bench/first_paint.py opens at 30 different moments, uniform over the first
    10 s (a generator per student once gave all 30 the same moment: a burst, measured as a class)."""
    from bench.first_paint import class_moments

    moments = class_moments(30, 10.0)
    assert len(set(moments)) == 30 and moments == sorted(moments) and moments[0] >= 0.0 and moments[-1] <= 10.0
    assert moments[0] < 2.5 and moments[-1] > 7.5 and 3 <= sum(m < 5.0 for m in moments) <= 27  # spread, not bunched
    assert class_moments(30, 10.0) == moments and class_moments(30, 0.0) == [0.0] * 30  # reproducible; a burst


def test_cross_talk_check_catches_another_sessions_word():
    """The check itself can fail: another session's marker in this session's output is an error."""
    from streamlit.proto.Element_pb2 import Element

    def result(text: str) -> RunResult:
        element = Element()
        element.markdown.body = text
        return RunResult(seconds=0.0, status="FINISHED_SUCCESSFULLY", elements=[("markdown", element.markdown)])

    markers = ["zebra", "tiger", "cobra"]
    assert cross_talk(result("tokens: the Zebra ran"), "zebra", markers) == ""
    assert "other sessions' words ['cobra']" in cross_talk(result("the zebra and the cobra"), "zebra", markers)
    assert "lacks its own word" in cross_talk(result("the river ran"), "zebra", markers)
    assert cross_talk(result("zebra moose"), "zebra", markers) == ""  # not a session of this run
    assert cross_talk(result("zebra in base64: rcobravat"), "zebra", markers) == ""  # not a word on its own
    spec = '{"data": [{"x": {"dtype": "f4", "bdata": "q0cobra/AA=="}, "text": ["zebra"]}]}'
    element = Element()
    element.plotly_chart.spec = spec
    run = RunResult(seconds=0.0, status="FINISHED_SUCCESSFULLY", elements=[("plotly_chart", element.plotly_chart)])
    assert cross_talk(run, "zebra", markers) == ""  # plotly's base64 arrays are not text


@pytest.mark.slow
@pytest.mark.load
def test_a_few_students_get_no_errors_and_no_cross_talk(tmp_path):
    report_path = tmp_path / "load.json"
    command = [sys.executable, "bench/load.py", "--users", "3", "--duration", "30", "--wait", "5"]
    process = subprocess.run([*command, "--json", str(report_path)], cwd=ROOT, capture_output=True, text=True)
    print(process.stdout[-3000:], process.stderr[-3000:])
    report = json.loads(report_path.read_text())
    errors = [e for pages in report["mixes"].values() for page in pages.values() for e in page["errors"]]
    assert errors == []
    assert process.returncode == 0
    own = report["mixes"]["own"]
    assert sum(page["checked"] for page in own.values()) >= 2  # the cross-talk check ran on real output
    assert sum(page["rerun"]["n"] for mix in report["mixes"].values() for page in mix.values()) >= 3
    assert max(rss for _, rss, _ in report["rss"]) > 100e6  # the server's RSS was watched
