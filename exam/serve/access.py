"""Who may reach the app behind ``exam serve``: the room code, the session cookie and the wrong-code throttle.

Everything here is plain Python (no aiohttp), so it is tested without a server. The server process is one process
(one asyncio loop), so the throttle and the session count live in memory: a restart forgets them, and the per-run
cookie secret makes every old cookie invalid, so after a restart trainees enter the room code again.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

#: Characters of a generated room code: digits and capitals that cannot be mistaken for one another when read
#: aloud or from a projector (no 0/O/Q/D, 1/I/L, 2/Z, 5/S, 6/G/b, 8/B, U/V).
ROOM_CODE_ALPHABET = "ACEFHJKMNPRTWXY3479"
ROOM_CODE_LENGTH = 6
#: A code the trainer sets must have at least this many characters (after dropping spaces and dashes).
ROOM_CODE_MIN_LENGTH = 4

COOKIE_NAME = "exam_room"
#: How long a room cookie stays valid (seconds): one training day.
COOKIE_LIFETIME = 12 * 3600


def generate_room_code() -> str:
    """A fresh random room code: ``ROOM_CODE_LENGTH`` characters of :data:`ROOM_CODE_ALPHABET` (about 25 bits)."""
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def normalise_code(text: str) -> str:
    """The form in which codes are compared: upper case, without spaces, dashes and full-width forms.

    A trainee may type ``kx7 mp3`` or ``ＫＸ７ＭＰ３`` (full-width, from a Chinese input method) for ``KX7MP3``.
    """
    folded = "".join(chr(ord(c) - 0xFEE0) if "！" <= c <= "～" else c for c in text)
    return "".join(c for c in folded.upper() if not c.isspace() and c not in "-_－—")


def valid_room_code(text: str) -> bool:
    """Whether a trainer's ``--room-code`` is usable: printable and at least :data:`ROOM_CODE_MIN_LENGTH` long."""
    code = normalise_code(text)
    return len(code) >= ROOM_CODE_MIN_LENGTH and code.isprintable()


def code_matches(expected: str, given: str) -> bool:
    """Compare two codes in their normal form in constant time."""
    return hmac.compare_digest(normalise_code(expected).encode(), normalise_code(given).encode())


@dataclass
class SessionSigner:
    """Issues and checks the room cookie: ``NONCE.EXPIRY.HMAC-SHA256(secret, NONCE.EXPIRY)``.

    The secret is made per run (``secrets.token_bytes``) and never written anywhere, so cookies of an earlier run
    are refused. ``clock`` returns seconds since the epoch (replaceable in tests).
    """

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    lifetime: int = COOKIE_LIFETIME
    clock: Callable[[], float] = time.time

    def _sign(self, body: str) -> str:
        return hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        """A new cookie value, valid for :attr:`lifetime` seconds."""
        body = f"{secrets.token_urlsafe(16)}.{int(self.clock()) + self.lifetime}"
        return f"{body}.{self._sign(body)}"

    def valid(self, value: str | None) -> bool:
        """Whether ``value`` was issued by this signer and has not expired; any malformed value is simply invalid."""
        if not value or not value.isascii():
            return False
        body, _, signature = value.rpartition(".")
        _, _, expiry = body.rpartition(".")
        if not expiry.isdigit() or not hmac.compare_digest(self._sign(body), signature):
            return False
        return int(expiry) >= self.clock()


@dataclass
class _Failures:
    count: int = 0
    blocked_until: float = 0.0


@dataclass
class CodeThrottle:
    """Slows down wrong room codes per client address, with a delay that doubles after each wrong code.

    After the n-th wrong code in a row from one address, the next try from it is refused unchecked for
    ``min(first_delay * 2**(n-1), max_delay)`` seconds; a right code clears the address. Parallel requests gain
    nothing: a try during the delay is refused without looking at the code. IPv6 clients are counted per /64
    (one host usually holds the whole /64). ``clock`` is monotonic seconds (replaceable in tests). At most
    ``max_entries`` addresses are remembered; when full, entries whose delay has passed are dropped first.
    """

    first_delay: float = 1.0
    max_delay: float = 60.0
    max_entries: int = 10_000
    clock: Callable[[], float] = time.monotonic
    _entries: dict[str, _Failures] = field(default_factory=dict)

    @staticmethod
    def _key(address: str) -> str:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return address
        if ip.version == 6:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
        return str(ip)

    def wait(self, address: str) -> float:
        """Seconds until ``address`` may try a code again (0 when it may try now)."""
        entry = self._entries.get(self._key(address))
        if entry is None:
            return 0.0
        now: float = self.clock()
        remaining: float = entry.blocked_until - now
        return remaining if remaining > 0 else 0.0

    def failed(self, address: str) -> float:
        """Record a wrong code from ``address``; returns the delay now imposed (seconds)."""
        key = self._key(address)
        if key not in self._entries and len(self._entries) >= self.max_entries:
            self._prune()
        entry = self._entries.setdefault(key, _Failures())
        entry.count += 1
        delay = min(self.first_delay * 2.0 ** min(entry.count - 1, 30), self.max_delay)
        entry.blocked_until = self.clock() + delay
        return delay

    def succeeded(self, address: str) -> None:
        """Forget the wrong codes of ``address``."""
        self._entries.pop(self._key(address), None)

    def _prune(self) -> None:
        now = self.clock()
        for key in [k for k, e in self._entries.items() if e.blocked_until + self.max_delay < now]:
            del self._entries[key]
        while len(self._entries) >= self.max_entries:  # all recent: drop the oldest-blocked ones
            del self._entries[min(self._entries, key=lambda k: self._entries[k].blocked_until)]
