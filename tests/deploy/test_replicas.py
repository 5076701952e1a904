"""2 replicas behind nginx (the shipped deploy/nginx config) on 127.0.0.1, driven by websocket students.

Checks what a school's deployment needs: nginx spreads sessions over both replicas and keeps each
on its own (websocket and page loads alike); no session loses its state or sees another's; and when
one replica is killed mid-lesson, only its own students reconnect (their view comes back from the
URL), while everyone else carries on over the same websocket. Run with `make test-deploy`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import shutil

import pytest

from tests.deploy.cluster import NGINX, replicas_behind_nginx, wait_until
from tests.deploy.students import Student, enrol

pytestmark = [
    pytest.mark.slow,
    pytest.mark.deploy,
    pytest.mark.skipif(shutil.which(NGINX) is None, reason="nginx is not installed (make test-deploy installs it)"),
]


async def lesson(cluster, students: list[Student]) -> str:
    """Open, click twice, kill the first student's replica, click once more; returns the killed address."""
    rng = random.Random(0)
    await asyncio.gather(*(s.open() for s in students))
    for _ in range(2):
        await asyncio.gather(*(s.click_head(rng) for s in students))
    assert not any(s.reconnects for s in students), "nobody reconnects while both replicas run"
    victim = next(k for k, r in enumerate(cluster.replicas) if r.addr == students[0].replica)
    cluster.kill(victim)
    await asyncio.gather(*(s.click_head(rng) for s in students))
    await asyncio.gather(*(s.close() for s in students))
    return cluster.replicas[victim].addr


def own_loop(coroutine):
    """`asyncio.run` in a thread of its own: in a pytest session that also ran playwright's sync API,
    the main thread already has a running event loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_two_replicas_share_a_class_and_survive_losing_one(tmp_path):
    with replicas_behind_nginx(tmp_path) as cluster:
        students = enrol(cluster, 6, both_replicas=2)
        killed = own_loop(lesson(cluster, students))
        survivor = next(r.addr for r in cluster.replicas if r.addr != killed)
        streams = lambda: [r for r in cluster.requests() if r["path"] == "/_stcore/stream"]  # noqa: E731
        assert wait_until(lambda: len(streams()) >= len(students) + sum(s.reconnects for s in students))

    assert all(not s.problems for s in students), {s.number: s.problems for s in students if s.problems}
    served = {s.replica for s in students}
    assert served == {r.addr for r in cluster.replicas}, "both replicas served sessions"
    for s in students:  # each websocket went where the student's first page went (stickiness)
        first = next((r for r in streams() if r["key"] == s.cookie), None)
        assert first is not None and first["replica"] == s.replica, f"student {s.number} left its replica: {first}"
    moved = {s.number for s in students if s.reconnects}
    assert moved == {s.number for s in students if s.replica == killed}, "only the killed replica's sessions"
    assert all(s.reconnects == 1 for s in students if s.number in moved)
    for s in students:
        if s.number in moved:  # back, on the survivor, with its own view restored from the URL
            last = [r for r in streams() if r["key"] == s.cookie][-1]
            assert last["replica"].split(", ")[-1] == survivor
