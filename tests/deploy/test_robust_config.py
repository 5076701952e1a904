"""Issue 24, kinds 2 and 7: the server settings a classroom needs, read by Streamlit itself from the
shipped .streamlit/config.toml (the Dockerfile copies it; its CMD flags do not override these)."""

from __future__ import annotations

import subprocess
import sys

from tests.browser.harness import ROOT

PROXY_IDLE_TIMEOUT_S = 30  # the shortest idle timeout of a proxy in the set-ups
LAPTOP_SLEEP_S = 45 * 60  # half a lesson


def shipped(option: str) -> float:
    code = f"from streamlit import config; config.get_config_options(); print(config.get_option({option!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def test_idle_students_are_pinged_before_a_30_s_proxy_cuts_them():
    assert shipped("server.websocketPingInterval") < PROXY_IDLE_TIMEOUT_S


def test_a_laptop_asleep_for_half_a_lesson_finds_its_session():
    assert shipped("server.disconnectedSessionTTL") >= LAPTOP_SLEEP_S
