"""Old import paths, kept working for one release after the package was regrouped by the stages of the flow.

``import trygghet_geo.cluster`` (and every other path in :data:`MOVED`) still works: a finder on
``sys.meta_path`` answers for the old name with the module at its new home, the very same module object, so
``isinstance`` checks, monkeypatching and pickles agree, and emits a :class:`DeprecationWarning` naming the
new path. The two modules that became packages of the same name (``trygghet_geo.network``,
``trygghet_geo.hotspots``) forward names their package does not export the same way (:func:`forwarder`).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import warnings
from collections.abc import Callable, Sequence
from types import ModuleType

__all__ = ["MOVED", "forwarder", "install"]

MOVED: dict[str, str] = {
    "trygghet_geo.cluster": "trygghet_geo.hotspots._dbscan",
    "trygghet_geo._significance": "trygghet_geo.hotspots._significance",
    "trygghet_geo.snap": "trygghet_geo.network.snap",
    "trygghet_geo._noding": "trygghet_geo.network._noding",
    "trygghet_geo._reach": "trygghet_geo.network.distance",
    "trygghet_geo.maps": "trygghet_geo.output.maps",
    "trygghet_geo._mapdata": "trygghet_geo.output._mapdata",
    "trygghet_geo.privacy": "trygghet_geo.output.privacy",
    "trygghet_geo._redact": "trygghet_geo.output._redact",
    "trygghet_geo.report": "trygghet_geo.output.report",
    "trygghet_geo._charts": "trygghet_geo.output._charts",
}
"""Old module path -> new module path."""


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"{old} moved to {new}; import it from there (the old path goes away in the next release)",
        DeprecationWarning,
        stacklevel=3,
    )


class _AliasLoader(importlib.abc.Loader):
    """Loads an old path by importing the new one and handing back that same module object."""

    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        _warn(spec.name, self.new)
        return importlib.import_module(self.new)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module was executed under its new name."""


class _AliasFinder(importlib.abc.MetaPathFinder):
    """Answers for the old paths of :data:`MOVED` only; every other import goes to the next finder."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        new = MOVED.get(fullname)
        if new is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(new))


def install() -> None:
    """Put the finder on ``sys.meta_path`` (once)."""
    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())


def forwarder(package: str, *modules: str) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package`` that hands out names defined in ``modules`` (the files the
    package's old single module became) with a :class:`DeprecationWarning`."""

    def __getattr__(name: str) -> object:  # noqa: N807  (the module hook has this name)
        if name.startswith("__") or importlib.util.find_spec(f"{package}.{name}") is not None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        for module in modules:
            target = importlib.import_module(module)
            if hasattr(target, name):
                _warn(f"{package}.{name}", f"{module}.{name}")
                return getattr(target, name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
