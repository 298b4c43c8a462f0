"""Build hook: ship the built-in banks, papers and source texts inside the wheel as ``exam/question_banks``.

Only for regular wheels; an editable install reads ``question_banks/`` from the checkout
(see ``exam.resources.builtin_banks_dir``).
"""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class QuestionBanksHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "standard":
            build_data["force_include"]["question_banks"] = "exam/question_banks"
