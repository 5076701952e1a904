"""A class of 30 through nginx over 2 replicas on this machine's 2 cores, one replica killed mid-run.

Printed, never a pass/fail test. 30 simulated students (tests/deploy/students.py: the websocket
client of bench/streamlit_client.py with nginx's sticky cookie) each open the attention page with
their own marker word, then every few seconds click another head (a fragment rerun) or type a new
text (a full rerun). Halfway through, one replica is killed (SIGKILL). Reported:

- errors: runs with an error, a lost text or head, or another student's marker (cross-talk);
- spread: students per replica (nginx's access log: the replica that served each websocket);
- reconnects: must be exactly the killed replica's students, once each; their view returns from the URL;
- latency: p50 / p95 / max of every run, before and after the kill, per kind of run.

Both replicas share the same 2 cores, so a replica is no faster than one process: what 2 replicas
buy is that one crash costs half a class a reconnect instead of the whole class its session.
`--replicas 1 --no-kill` runs the same class over one replica, for comparison.

Run: `make bench-deploy` (installs Debian's nginx) or `.venv/bin/python bench/deploy.py [--students 30]`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.streamlit_client import Session  # noqa: E402
from tests.deploy.cluster import NGINX, Cluster, replicas_behind_nginx  # noqa: E402
from tests.deploy.students import MARKERS, PAGE, Student, enrol, percentile  # noqa: E402


async def attend(student: Student, rng: random.Random, until: float, wait: tuple[float, float]) -> None:
    """One student's lesson: arrive (spread over the first 10 s), open the page, then act until `until`."""
    await asyncio.sleep(rng.uniform(0, 10))
    try:
        await student.open()
        while time.monotonic() < until:
            await asyncio.sleep(rng.uniform(*wait))
            await (student.click_head(rng) if rng.random() < 0.6 else student.retype(rng))
    except Exception as exc:  # a failed reconnect, a timeout: an error of this run, reported below
        student.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        await student.close()


async def warm_up(cluster: Cluster) -> None:
    """The teacher opens the page once on every replica before the class arrives (loads the model)."""
    for replica in cluster.replicas:
        async with Session(f"http://{replica.addr}", PAGE, "text=warm+up") as session:
            await session.open()


async def lesson(cluster: Cluster, students: list[Student], seconds: float, kill: bool, wait) -> float | None:
    """Run the class; kill the first student's replica halfway when `kill`. Returns the kill time."""
    start = time.monotonic()
    tasks = [asyncio.create_task(attend(s, random.Random(s.number), start + seconds, wait)) for s in students]
    killed_at = None
    if kill:  # halfway, once every student has opened the page
        await asyncio.sleep(seconds / 2)
        while not all(s.runs or s.problems for s in students) and time.monotonic() < start + seconds:
            await asyncio.sleep(0.5)
        victim = next(k for k, r in enumerate(cluster.replicas) if r.addr == students[0].replica)
        await asyncio.to_thread(cluster.kill, victim)
        killed_at = time.monotonic()
    await asyncio.gather(*tasks)
    return killed_at


def latency_table(students: list[Student], killed_at: float | None) -> list[str]:
    rows = []
    for phase in ("before kill", "after kill") if killed_at else ("all",):
        for kind in ("open", "click", "text"):
            times = [
                sec
                for s in students
                for when, what, sec in s.runs
                if what == kind and (killed_at is None or (when < killed_at) == (phase == "before kill"))
            ]
            if times:
                rows.append(
                    f"  {phase:<12} {kind:<6} n={len(times):>4}  p50 {statistics.median(times):6.2f} s  "
                    f"p95 {percentile(times, 0.95):6.2f} s  max {max(times):6.2f} s"
                )
    return rows


def report(cluster: Cluster, students: list[Student], killed_at: float | None, seconds: float) -> None:
    streams = [r for r in cluster.requests() if r["path"] == "/_stcore/stream"]
    first = {s.number: next((r["replica"] for r in streams if r["key"] == s.cookie), "?") for s in students}
    killed = cluster.killed[0] if cluster.killed else None
    print(f"\n{len(students)} students, {len(cluster.replicas)} replica(s) behind nginx, {seconds:.0f} s lesson")
    for replica in cluster.replicas:
        count = sum(addr == replica.addr for addr in first.values())
        print(f"  replica {replica.addr}: {count} students" + ("  (killed halfway)" if replica.addr == killed else ""))
    sticky = sum(first[s.number] == s.replica for s in students)
    print(f"  websocket on the replica of the student's first page: {sticky}/{len(students)}")
    if killed:
        on_killed = {s.number for s in students if s.replica == killed}
        moved = {s.number for s in students if s.reconnects}
        others = sorted(moved - on_killed) or "none"
        print(
            f"  reconnects: {sum(s.reconnects for s in students)} by {len(moved)} students; "
            f"{len(on_killed)} were on the killed replica; others that reconnected: {others}"
        )
    runs = sum(len(s.runs) for s in students)
    errors = [f"student {s.number} ({s.marker}): {p}" for s in students for p in s.problems]
    crosstalk = [e for e in errors if "another student's" in e]
    print(f"  runs: {runs}; errors: {len(errors)}; cross-talk: {len(crosstalk)}")
    for line in errors[:10]:
        print("   ", line)
    print("  latency per run (from sending the change to script_finished):")
    print("\n".join(latency_table(students, killed_at)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120, help="length of the lesson")
    parser.add_argument("--wait", type=float, nargs=2, default=(5, 15), help="seconds between a student's actions")
    parser.add_argument("--no-kill", action="store_true", help="keep every replica alive")
    args = parser.parse_args()
    if args.students > len(MARKERS):
        parser.error(f"at most {len(MARKERS)} students: each needs its own marker word")
    if shutil.which(NGINX) is None:
        print("bench/deploy.py: nginx is not installed (`make bench-deploy` installs it); skipped")
        return 0
    kill = not args.no_kill and args.replicas > 1
    with (
        tempfile.TemporaryDirectory(prefix="explorer-deploy-") as tmp,
        replicas_behind_nginx(Path(tmp), n=args.replicas) as cluster,
    ):
        asyncio.run(warm_up(cluster))
        students = enrol(cluster, args.students, both_replicas=1 if args.replicas > 1 else 0)
        killed_at = asyncio.run(lesson(cluster, students, args.seconds, kill, tuple(args.wait)))
        time.sleep(1)  # nginx logs each websocket as it closes
        report(cluster, students, killed_at, args.seconds)
    print("\nMeasured on a shared 2-core machine (other work running): latencies are noisy.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
