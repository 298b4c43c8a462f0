"""Several ``exam serve`` processes (different ports standing in for different machines) share one PostgreSQL
database: a trainee on each sits a paper over the real websocket, and one trainer command on a fourth process sees
every result, every seal verifying."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import pytest

from tests.e2e._room import KEY_CTRL_S, KEY_DOWN, KEY_ENTER, Room, TerminalSession, room_cookie, room_env, running_room
from tests.e2e._room import sign_in as sign_in_over_websocket

PAPER = """\
paper:
  id: three
  title: 三台测验
  time_limit: 30
  pass_mark: 1
  sections:
    - {title: 判断, type: judge, count: 2, points: 1, banks: [constitution-2018]}
"""


async def sit_on(room: Room, number: int) -> None:
    """One trainee on one server: room code, sign-in (choosing a PIN), the paper, one answer, submit."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:  # cookies for 127.0.0.1
        await room_cookie(http, room)
        session = await TerminalSession.open(http, room)
        await sign_in_over_websocket(
            session, f"学员{number}", f"srv{number}", f"第{number}考点", "人大主席", timeout=120
        )
        screen = await session.wait_for("三台测验", timeout=120)
        rows = screen.split("剩余次数", 1)[1].splitlines()[1:]
        row = next(index for index, line in enumerate(rows) if "三台测验" in line.replace(" ", ""))
        await session.keys(KEY_DOWN * row + KEY_ENTER)
        await session.wait_for("开始后计时不会暂停", timeout=60)
        await session.keys("y")
        await session.wait_for("第 1 题", timeout=60)
        await session.keys("y")
        await session.wait_for("已保存", timeout=60)
        await session.keys(KEY_CTRL_S)
        await session.wait_for("交卷", timeout=30)
        await session.keys(KEY_ENTER)
        await session.wait_for("得分", timeout=60)
        await session.close()


@pytest.mark.slow
def test_three_servers_share_one_database_and_one_trainer_command_sees_all(postgres_url: str, tmp_path: Path) -> None:
    """Three ``exam serve`` on one ``postgresql://`` store, a trainee on each: ``exam results`` run anywhere lists all
    three submitted attempts, and ``exam results verify`` passes (the servers share the seal key file)."""
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "three.paper.yaml").write_text(PAPER, encoding="utf-8")
    env = room_env(tmp_path, banks)
    env["EXAM_DB"] = postgres_url
    env["EXAM_SEAL_KEY"] = str(tmp_path / "shared-seal.key")
    with ExitStack() as stack:
        rooms = [stack.enter_context(running_room(env)) for _ in range(3)]
        assert len({room.port for room in rooms}) == 3

        async def all_rooms() -> None:
            await asyncio.gather(*(sit_on(room, number) for number, room in enumerate(rooms, 1)))

        asyncio.run(all_rooms())
    listing = subprocess.run(
        [sys.executable, "-m", "exam", "results", "--format", "jsonl"], env=env, capture_output=True, text=True
    )
    assert listing.returncode == 0, listing.stderr
    attempts = [json.loads(line) for line in listing.stdout.splitlines()]
    assert sorted(a["trainee"]["id"] for a in attempts) == ["srv1", "srv2", "srv3"]
    assert all(a["status"] == "submitted" and a["paper"] == "three" for a in attempts)
    verify = subprocess.run(
        [sys.executable, "-m", "exam", "results", "verify"], env=env, capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
