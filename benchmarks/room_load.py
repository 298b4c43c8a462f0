"""Room load test: N browser sessions of ``exam serve`` over the real websocket, each answering once per second.

Each session enters the room code, signs in as its own trainee, starts a paper of judge questions and then, once a
second, answers the current question (Y or N, alternating) and moves on (back to the first after the last). An
answer counts as *acknowledged* when the screen shows "已保存 HH:MM:SS" with a time no earlier than the second the
key was sent. At the end every session's last acknowledged answer to each question must be the stored one.

Reported: acknowledged answers vs stored, countdown lateness (the "剩余 mm:ss" the session shows against the stored
deadline: the display rounds up and is redrawn once a second, so a timer on time shows at most 2 s more than the
true time left; lateness = shown - true - 2 s), memory per
session (RSS of the app processes), CPU of the machine. Exit status 1 when an acknowledged answer is missing or a
timer is more than 1 s late.

Run from the project root with the test extra installed::

    .venv/bin/python benchmarks/room_load.py --sessions 5 --seconds 20     # the short mode .ci/run uses
    .venv/bin/python benchmarks/room_load.py --sessions 60 --seconds 300   # the full run (docs/benchmarks.md)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e._room import (  # noqa: E402  (the project root on sys.path first)
    KEY_LEFT,
    KEY_RIGHT,
    Room,
    TerminalSession,
    room_cookie,
    room_env,
    running_room,
    sign_in,
)

QUESTIONS = 20
#: Seconds between two trainees opening the page (60 arrive within 90 s); each then answers for the full time.
ARRIVAL = 1.5
PAPER = f"""\
paper:
  id: load
  title: 负载测验
  time_limit: 60
  pass_mark: 1
  sections:
    - {{title: 判断, type: judge, count: {QUESTIONS}, points: 1, banks: [constitution-2018, deputies-law-2025]}}
"""
_SAVED = re.compile(r"已保存 (\d\d:\d\d:\d\d)")
_LEFT = re.compile(r"剩余 (?:(\d+):)?(\d\d):(\d\d)")


@dataclass
class SessionReport:
    trainee_id: str
    acknowledged: dict[int, bool] = field(default_factory=dict)  # question number -> last acknowledged answer
    acks: int = 0
    unacknowledged: int = 0
    samples: list[tuple[float, int]] = field(default_factory=list)  # (wall time, seconds shown)
    error: str = ""


def _question(tick: int) -> int:
    """The question answered at ``tick``: 1, 2, ..., QUESTIONS, QUESTIONS - 1, ..., 1, 2, ... (→ then ←)."""
    position = tick % (2 * (QUESTIONS - 1))
    return position + 1 if position < QUESTIONS else 2 * QUESTIONS - 1 - position


def _seconds_left(screen: str) -> int | None:
    match = _LEFT.search(screen)
    if match is None:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds


async def _open_paper(session: TerminalSession, title: str) -> None:
    await session.wait_for("可参加的考试", timeout=120)
    screen = await session.wait_for(title, timeout=60)  # the table fills after the screen shows
    rows = screen.split("剩余次数", 1)[1].splitlines()[1:]
    found = [index for index, line in enumerate(rows) if title in line.replace(" ", "")]
    if not found:
        raise AssertionError(f"no paper {title} on the screen:\n{screen}")
    row = found[0]
    await session.keys("\x1b[B" * row + "\r")
    await session.wait_for("开始后计时不会暂停", timeout=60)
    await session.keys("y")
    await session.wait_for("第 1 题", timeout=60)


async def run_session(http: aiohttp.ClientSession, room: Room, number: int, seconds: float) -> SessionReport:
    report = SessionReport(trainee_id=f"load{number:03d}")
    try:
        await asyncio.sleep(number * ARRIVAL)  # trainees arrive one after another, not in the same instant
        session = await TerminalSession.open(http, room)
        await sign_in(session, f"学员{number:03d}", report.trainee_id, "负载镇", "人大主席", timeout=300)
        await _open_paper(session, "负载测验")
        loop = asyncio.get_running_loop()
        end = loop.time() + seconds
        tick = 0
        while loop.time() < end:
            started = loop.time()
            question = _question(tick)
            value = (tick // (QUESTIONS - 1)) % 2 == 0
            await session.wait_for(f"第 {question} 题", timeout=30)
            sent = datetime.now().strftime("%H:%M:%S")
            shown = _seconds_left(session.text())
            if shown is not None:
                report.samples.append((time.time(), shown))
            await session.keys("y" if value else "n")
            acknowledged = False
            deadline = loop.time() + 10
            while loop.time() < deadline:
                match = _SAVED.search(session.text())
                if match and match.group(1) >= sent and "正在保存" not in session.text():
                    acknowledged = True
                    break
                session.changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(session.changed.wait(), max(0.01, deadline - loop.time()))
            if acknowledged:
                report.acks += 1
                report.acknowledged[question] = value
            else:
                report.unacknowledged += 1
            await session.keys(KEY_RIGHT if _question(tick + 1) > question else KEY_LEFT)  # to 20, back to 1
            tick += 1
            await asyncio.sleep(max(0.0, started + 1.0 - loop.time()))
        await session.close()
    except Exception as error:  # reported, not raised: one broken session must not hide the others' figures
        report.error = f"{type(error).__name__}: {str(error)[:300]}"
    return report


def _stored(room: Room) -> dict[str, dict[str, object]]:
    output = subprocess.run(
        [sys.executable, "-m", "exam", "results", "--format", "jsonl"],
        env=room.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    attempts = [json.loads(line) for line in output.stdout.splitlines()]
    return {attempt["trainee"]["id"]: attempt for attempt in attempts}


def _app_memory(room: Room) -> list[int]:
    """RSS (bytes) of each app process (the python children of the server, through their shells)."""
    server = psutil.Process(room.process.pid)
    sizes = []
    for child in server.children(recursive=True):
        try:
            if child.name().lower().startswith("python"):  # not the /bin/sh textual-serve starts it through
                sizes.append(child.memory_info().rss)
        except psutil.Error:
            continue
    return sizes


async def main_async(sessions: int, seconds: float) -> int:
    with tempfile.TemporaryDirectory(prefix="room-load-") as folder:
        tmp = Path(folder)
        banks = tmp / "banks"
        banks.mkdir()
        (banks / "load.paper.yaml").write_text(PAPER, encoding="utf-8")
        env = room_env(tmp, banks)
        with running_room(env, "--max-sessions", str(sessions + 5), "--idle-minutes", "0") as room:
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as http:
                await room_cookie(http, room)
                psutil.cpu_percent(None)
                cpu_started = time.monotonic()
                memory_peak: list[int] = []

                async def watch_memory() -> None:
                    while True:
                        sizes = _app_memory(room)
                        if sum(sizes) > sum(memory_peak):
                            memory_peak[:] = sizes
                        await asyncio.sleep(2)

                watcher = asyncio.create_task(watch_memory())
                reports = await asyncio.gather(*(run_session(http, room, n, seconds) for n in range(sessions)))
                watcher.cancel()
                cpu = psutil.cpu_percent(None)
                cpu_seconds = time.monotonic() - cpu_started
            stored = _stored(room)

    missing = 0
    lateness: list[float] = []
    for report in reports:
        attempt = stored.get(report.trainee_id)
        answers = attempt["answers"] if attempt else []
        assert isinstance(answers, list)
        deadline = datetime.fromisoformat(str(attempt["deadline"])).timestamp() if attempt else None
        for question, value in report.acknowledged.items():
            if question > len(answers) or answers[question - 1].get("response") != value:
                missing += 1
        if deadline is not None:
            lateness += [shown - (deadline - at) - 2.0 for at, shown in report.samples]
    errors = [f"{r.trainee_id}: {r.error}" for r in reports if r.error]
    acks = sum(r.acks for r in reports)
    late = max(lateness, default=0.0)
    mib = [size / 2**20 for size in memory_peak]
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, {psutil.virtual_memory().total / 2**30:.1f} GiB")
    print(f"sessions: {sessions}, seconds: {seconds:g}, errors: {len(errors)}")
    for line in errors[:10]:
        print("  " + line)
    print(f"answers acknowledged: {acks}, not acknowledged within 10 s: {sum(r.unacknowledged for r in reports)}")
    print(f"acknowledged answers missing from the store: {missing}")
    print(f"countdown samples: {len(lateness)}, worst lateness: {late:.2f} s (0 or less = on time)")
    if mib:
        print(f"app processes: {len(mib)}, RSS per session: mean {sum(mib) / len(mib):.1f} MiB, max {max(mib):.1f} MiB")
    print(f"CPU (whole machine) during the run: {cpu:.0f} % over {cpu_seconds:.0f} s")
    failed = missing > 0 or late > 1.0 or bool(errors) or acks == 0
    print("RESULT:", "FAIL" if failed else "PASS")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=300)
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args.sessions, args.seconds)))


if __name__ == "__main__":
    main()
