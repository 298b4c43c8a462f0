"""Training-exam system for township people's congress chairs.

Plugins import only :data:`hookimpl` from here::

    from exam import hookimpl
"""

from __future__ import annotations

import pluggy

__version__ = "0.2.0"

PROJECT_NAME = "exam"

hookimpl = pluggy.HookimplMarker(PROJECT_NAME)
"""Marker for plugin hook implementations (``@hookimpl``)."""

__all__ = ["PROJECT_NAME", "__version__", "hookimpl"]
