"""Plain record classes for the request path, instead of @dataclass.

@dataclass compiles the methods it makes (__init__, __repr__, __eq__) when the module is imported,
a fraction of a millisecond per class that every Lambda cold start pays. A class that writes its own
__init__ and lists its fields in FIELDS gets the same __repr__ and __eq__ from Record.
"""

from __future__ import annotations

from typing import Tuple


class Record:
    """__repr__ and __eq__ over FIELDS, as @dataclass makes them; unhashable, as a mutable dataclass."""

    __slots__ = ()
    FIELDS: Tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{name}={getattr(self, name)!r}' for name in self.FIELDS)})"

    def __eq__(self, other) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    __hash__ = None  # type: ignore[assignment]
