"""Closed sets of names (scenarios, events) as string enums with a readable refusal."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Names(StrEnum):
    @classmethod
    def parse(cls, value: object) -> Self:
        """The member named ``value``; raises ValueError listing the names when there is none."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"{cls.__name__.lower()} must be one of: {', '.join(cls)}.") from None
