"""HTML question text (Moodle's ``[html]`` GIFT text, ``format="html"`` in Moodle XML) as plain text.

The conversion is inscriptis' (Apache-2.0, https://github.com/weblyzard/inscriptis): it lays text out as a browser
would, so ``<br>`` and block elements become line breaks, entities are decoded and tags vanish. A regular
expression cannot do that (``a<br>b`` would read ``ab``; ``&lt;`` would stay). We then drop blank lines and
trailing spaces, which a terminal does not need.
"""

from __future__ import annotations

import re

_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(markup: str) -> str:
    """The text a reader sees in ``markup`` (an HTML fragment), with line breaks where the page has them.

    Returns:
        Plain text without leading/trailing white space; ``""`` for markup without text.
    """
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    from inscriptis import get_text

    text: str = get_text(markup)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub("\n", "\n".join(lines)).strip()
