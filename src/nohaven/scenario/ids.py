"""Entity identifiers that do not give the ground truth away.

Planted records are created before background ones, so a plain counter would
give them the smallest numbers. Each mint instead maps its counter through a
fixed bijection of the eight-digit numbers, so ids are unique, stable for a
seed and unordered. With 8 digits a mint serves up to 10**8 records.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_MULTIPLIER = 48_271_009  # odd and not a multiple of 5: invertible modulo any 10**k


class IdMint:
    """Issues ids ``<prefix>-<digits>`` for one kind of entity in one dataset."""

    def __init__(self, prefix: str, offset: int, digits: int = 8) -> None:
        self.prefix = prefix
        self.digits = digits
        self._space = 10**digits
        self._offset = offset % self._space
        self._next = 0

    def next(self) -> str:
        """The next id."""
        number = (self._next * _MULTIPLIER + self._offset) % self._space
        self._next += 1
        return f"{self.prefix}-{number:0{self.digits}d}"

    def take(self, count: int) -> NDArray[np.str_]:
        """The next ``count`` ids as a NumPy string array (for bulk records)."""
        if count == 0:
            return np.asarray([], dtype=str)
        counters = np.arange(self._next, self._next + count, dtype=np.int64)
        self._next += count
        numbers = (counters * _MULTIPLIER + self._offset) % self._space
        return np.char.add(f"{self.prefix}-", np.char.zfill(numbers.astype(str), self.digits))

    @property
    def issued(self) -> int:
        """How many ids this mint has issued."""
        return self._next


class Mints:
    """All id mints of one scenario; offsets derive from the seed and the prefix."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        self._mints: dict[str, IdMint] = {}

    def __call__(self, prefix: str, digits: int = 8) -> IdMint:
        """The mint for ``prefix`` (e.g. ``cn-reg-p``), created on first use."""
        if prefix not in self._mints:
            digest = sum((i + 1) * ord(c) for i, c in enumerate(prefix))
            offset = self._seed * 7_919 + digest * 104_729
            self._mints[prefix] = IdMint(prefix, offset, digits)
        return self._mints[prefix]
