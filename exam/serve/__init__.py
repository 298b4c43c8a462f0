"""``exam serve`` for a training room: the room code, the session cookie, the limits and the offline page.

:mod:`exam.serve.access` holds the plain rules (room code, cookie, throttle); :mod:`exam.serve.server` the
aiohttp server built on textual-serve; ``templates/`` and ``static/`` the page (no external resource).
``static/js/textual.js`` is textual-serve 1.1.3's script with two changes: the terminal font list has no web font
and ends in Chinese monospace fonts, and each terminal element keeps its session (``element.textualSession``) so
the browser test can read the screen.
"""
