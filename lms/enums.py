"""Workflow and choice enums with a translated title for each member."""

from __future__ import annotations

import enum
import sys


class TitledEnum(enum.Enum):
    """An enum whose members have a translated ``title``, looked up in the ``TITLES`` mapping (member → lazy string)
    of the module that defines the enum, so each domain keeps its titles beside its models."""

    @property
    def title(self) -> str:
        return str(sys.modules[type(self).__module__].TITLES[self])

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.title) for member in cls]
