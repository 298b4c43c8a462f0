"""The rules in front of ``exam serve``: room codes, the signed room cookie, the wrong-code throttle, the Origin
comparison (no server needed; the server itself is tested in ``tests/e2e/test_serve.py``)."""

from __future__ import annotations

from exam.serve.access import (
    ROOM_CODE_ALPHABET,
    CodeThrottle,
    SessionSigner,
    code_matches,
    generate_room_code,
    normalise_code,
    valid_room_code,
)
from exam.serve.server import same_origin


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_generated_codes_use_no_look_alike_characters() -> None:
    """Generated codes are six characters without 0/O, 1/I/L, 2/Z, 5/S, 8/B and differ from run to run."""
    codes = {generate_room_code() for _ in range(200)}
    assert len(codes) > 190
    assert all(len(code) == 6 and set(code) <= set(ROOM_CODE_ALPHABET) for code in codes)
    assert not set(ROOM_CODE_ALPHABET) & set("0O1IL2Z5S8BQDGU6V")


def test_codes_compare_ignoring_case_spaces_dashes_and_full_width_forms() -> None:
    """What a trainee types with caps lock, spaces or a Chinese input method still matches; another code does not."""
    assert normalise_code("kx7 mp-3") == "KX7MP3"
    assert code_matches("KX7-MP3", "ｋｘ７ＭＰ３")
    assert not code_matches("KX7-MP3", "KX7MP4")
    assert not code_matches("KX7-MP3", "")
    assert valid_room_code("2468") and not valid_room_code("1-2") and not valid_room_code("ab\x00cd".replace("d", ""))


def test_the_cookie_is_refused_when_forged_tampered_expired_or_from_another_run() -> None:
    """Only a cookie signed by this run's secret and not expired is accepted; junk never raises."""
    clock = Clock()
    signer = SessionSigner(clock=clock)
    cookie = signer.issue()
    assert signer.valid(cookie)
    assert not SessionSigner().valid(cookie)  # another run: another secret
    body, _, signature = cookie.rpartition(".")
    nonce, _, expiry = body.rpartition(".")
    assert not signer.valid(f"{nonce}.{int(expiry) + 999}.{signature}")  # longer life, same signature
    for junk in ("", "...", "a.b.c", "é.1.2", None, "x" * 5000):
        assert not signer.valid(junk)
    clock.now += signer.lifetime + 1
    assert not signer.valid(cookie)


def test_wrong_codes_wait_longer_each_time_per_address_up_to_a_cap() -> None:
    """1, 2, 4, ... seconds per address (IPv6 per /64), capped; a right code clears the address; others unaffected."""
    clock = Clock()
    throttle = CodeThrottle(first_delay=1, max_delay=60, clock=clock)
    delays = []
    for _ in range(8):
        delays.append(throttle.failed("10.0.0.5"))
        assert throttle.wait("10.0.0.5") == delays[-1]
        clock.now += delays[-1]
        assert throttle.wait("10.0.0.5") == 0
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
    assert throttle.wait("10.0.0.6") == 0
    throttle.failed("2001:db8::1")
    assert throttle.wait("2001:db8::ffff") > 0  # same /64
    throttle.succeeded("10.0.0.5")
    assert throttle.failed("10.0.0.5") == 1


def test_the_throttle_remembers_a_bounded_number_of_addresses() -> None:
    """A flood of addresses never grows the table past its bound."""
    throttle = CodeThrottle(max_entries=50, clock=Clock())
    for n in range(500):
        throttle.failed(f"10.1.{n // 250}.{n % 250}")
    assert len(throttle._entries) <= 50


def test_same_origin_compares_scheme_host_and_port() -> None:
    """The Origin must name the host the browser asked for (default ports allowed); anything else is foreign."""
    assert same_origin("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert same_origin("http://Exam.Local", "exam.local:80")
    assert not same_origin("https://evil.example", "127.0.0.1:8000")
    assert not same_origin("http://127.0.0.1:8001", "127.0.0.1:8000")
    assert not same_origin("null", "127.0.0.1:8000")
    assert not same_origin("http://[::1", "127.0.0.1:8000")
