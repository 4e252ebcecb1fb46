"""Package exports imported on first use.

A package's ``__init__`` re-exports its modules' names for convenience; imported
eagerly, that would make importing any one module of the package import all of
them, so ``linkwatch check`` would load the HTTP, WARC and HTML libraries of the
archive, preserve and find stages it does not use. With :func:`lazy_exports` a
package names where each export lives and imports it when it is first read.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping, Sequence


def lazy_exports(
    package: str, exports: Mapping[str, Sequence[str]]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package`` for ``exports`` (module → names).

    A name is imported from its module on first access and then kept in the
    package's namespace, so later reads cost nothing; an unknown name raises
    :class:`AttributeError` as usual.
    """
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *where})

    return __getattr__, __dir__
