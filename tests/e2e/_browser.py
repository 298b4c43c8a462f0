"""Driving the exam page in headless Chromium (selenium with the system ``chromium`` and ``chromedriver``).

Textual draws into xterm.js; keys go to the terminal's hidden textarea (``ActionChains.send_keys``) and the screen
is read from xterm's buffer through ``element.textualSession`` (kept by the project's copy of ``textual.js``).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

_SCREEN_JS = """
const element = document.getElementById('terminal');
if (!element || !element.textualSession) { return null; }
const buffer = element.textualSession.terminal.buffer.active;
const lines = [];
for (let i = 0; i < buffer.length; i++) {
  const line = buffer.getLine(i);
  if (line) { lines.push(line.translateToString(true)); }
}
return lines.join('\\n');
"""


#: What xterm.js sends for these keys (normal cursor mode, as Textual leaves it).
_XTERM_KEYS = {
    Keys.ENTER: "\r",
    Keys.RETURN: "\r",
    Keys.TAB: "\t",
    Keys.ESCAPE: "\x1b",
    Keys.BACKSPACE: "\x7f",
    Keys.ARROW_UP: "\x1b[A",
    Keys.ARROW_DOWN: "\x1b[B",
    Keys.ARROW_RIGHT: "\x1b[C",
    Keys.ARROW_LEFT: "\x1b[D",
    Keys.END: "\x1b[F",
    Keys.CONTROL + "s": "\x13",
}


def chromium_driver() -> webdriver.Chrome:
    """Headless Chromium from the system packages; fails in CI and skips elsewhere when they are missing."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        if os.environ.get("CI"):
            pytest.fail("chromium and chromedriver are required in CI (.ci/run installs them)")
        pytest.skip("chromium or chromedriver is not installed (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=zh-CN"):  # fmt: skip
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=Service(driver))


class Page:
    """The exam page in one browser tab, with screenshots kept in ``shots`` (and a copy for CI artefacts)."""

    def __init__(self, driver: webdriver.Chrome, shots: Path) -> None:
        self.driver = driver
        self.shots = shots
        self.count = 0
        shots.mkdir(parents=True, exist_ok=True)

    def screen(self) -> str:
        """The terminal's text, one line per row ('' before the app has drawn)."""
        text = self.driver.execute_script(_SCREEN_JS)
        return text if isinstance(text, str) else ""

    def wait_for(self, text: str, timeout: float = 40) -> str:
        """Poll the terminal until ``text`` is shown; returns the screen, or fails with it and a screenshot."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        self.shot(f"missing-{re.sub(r'[^0-9A-Za-z]+', '_', text)[:20]}")
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def keys(self, *keys: str) -> None:
        """Press keys: selenium ``Keys`` or text, sent as the terminal data xterm.js makes of them (see :meth:`data`).

        Chromedriver's key events reach the page through the browser's input queue, after any script run later, so
        mixing them with :meth:`data` reorders input; everything goes one way, through xterm.js's data event.
        """
        for key in keys:
            self.data(_XTERM_KEYS.get(key, key))

    def type_text(self, text: str) -> None:
        """Type ``text`` into the focused text box and wait until it shows (Chinese arrives as an input method
        commits it: the whole text as one piece of terminal input)."""
        self.data(text)
        self.wait_for(text)

    def data(self, data: str) -> None:
        """Send terminal input as xterm.js sends it for a key or an input method's text (``\t`` Tab, ``\r``
        Enter, ``\x1b`` Esc), through its own data event."""
        self.driver.execute_script(
            "document.getElementById('terminal').textualSession.terminal.input(arguments[0], true);", data
        )

    def shot(self, name: str) -> Path:
        """Save a screenshot ``NN-name.png`` (and copy it to the CI artefacts folder when ``CI`` is set)."""
        self.count += 1
        path = self.shots / f"{self.count:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        if os.environ.get("CI"):
            target = Path(os.environ.get("EXAM_ARTIFACTS", Path(__file__).parents[2] / ".ci" / "artifacts"))
            target = target / "browser"
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / path.name)
        return path


def enter_room_code(page: Page, url: str, code: str) -> None:
    """Open the room's address and type the room code into the code page, as the trainer announced it."""
    page.driver.get(url)
    field = page.driver.find_element(By.ID, "code")
    page.shot("room-code")
    field.send_keys(code, Keys.ENTER)
    page.wait_for("学员登录")


def _row(page: Page, label: str) -> str:
    return next((line for line in page.screen().splitlines() if label in line), "")


def sign_in_through_page(
    page: Page, name: str, trainee_id: str, unit: str, post: str, pin: str = "2468", first: bool = True
) -> None:
    """Sign in on the app's sign-in screen in the page: name, 考号, 单位, 职务 (each followed by Tab), then the PIN:
    at the ``first`` sign-in with this 考号 the PIN field stays empty and ``pin`` is chosen (typed twice) in the
    dialog that opens; later, ``pin`` is typed into the field.

    The one place the browser test signs in.

    Right after the page connects, the browser's focus events reach the app late and the app puts the keyboard focus
    back on the field that had it (Textual restores focus on app focus), so a Tab typed in that moment can be undone.
    Each value is therefore checked to be in its own row; one that landed in the previous field is erased there and
    typed again after another Tab (at most three times).
    """
    page.wait_for("学员登录")
    fields = (("姓名", name), ("考号", trainee_id), ("单位", unit), ("职务", post))
    for label, value in fields:
        for _ in range(3):
            page.type_text(value)
            if value in _row(page, label):
                break
            page.data("\x7f" * len(value))  # Backspace in the field that took it
            deadline = time.monotonic() + 20
            while value in page.screen() and time.monotonic() < deadline:
                time.sleep(0.05)
            page.data("\t")
        else:
            raise AssertionError(f"{value!r} never reached the {label} field:\n{page.screen()}")
        page.data("\t")
    # The PIN is masked (it never shows), and the PIN fields take keys in one burst: sent whole.
    if first:
        page.data("\r")
        page.wait_for("设置 PIN")
        page.data(f"{pin}\r{pin}\r")
    else:
        page.data(f"{pin}\r")
