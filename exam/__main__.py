"""``python -m exam`` is the same as the ``exam`` command."""

from exam.cli import main

raise SystemExit(main())
