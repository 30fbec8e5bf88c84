"""How an output was made: the run manifest, content hashes, and the time a reproducible run stands at.

Every run of :func:`trygghet_geo.analyze` records a manifest (:attr:`Analysis.manifest`, a JSON-serialisable
dict): the package version and the versions of the libraries that shape results, the parameters as asked and
as used (with the automatic choices and why), the seed and the number of simulations, a SHA-256 of every input
(the bytes of a file, or a canonical serialisation of a table), the street network's and the gazetteer's
content hashes, the rows in and out by reason, and when the run started and how long it took. Each output
adds what it was written with (privacy mode, k, language) and carries the whole: ``manifest.json`` beside the
files, a collapsed "Om analysen" panel and a ``<script type="application/json" id="trygghet-manifest">``
block in every HTML file, a sheet of its own in every XLSX file. Every hash sits under a key named
``sha256``.

The manifest holds nothing personal, whatever the privacy mode: hashes, counts, codes, numbers and versions.
It names no file or folder (a path tells whose disk it came from; the hash identifies the file better), and
the only texts it keeps are the title and source note the caller chose, after :func:`.privacy.redact`.

Reproducible runs: when ``SOURCE_DATE_EPOCH`` is set (as reproducible-build tools set it), the run's start
time is that instant and the duration is left out, so the same inputs, parameters, seed and versions give
byte-identical files; every other time an output writes (the report's date, the entry dates inside XLSX) is
the run's start time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import inspect
import json
import os
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

import numpy as np
import pandas as pd

from trygghet_geo import schema
from trygghet_geo.errors import InputError

if TYPE_CHECKING:
    from trygghet_geo.geocode import Gazetteer
    from trygghet_geo.network import StreetNetwork
    from trygghet_geo.output._source import AnalysisLike

__all__ = [
    "LIBRARIES",
    "MANIFEST_FILE",
    "fixed_clock",
    "output_manifest",
    "recorded",
    "run_start",
    "sha256_file",
    "sha256_frame",
    "sha256_gazetteer",
    "sha256_network",
    "source_date",
    "write_manifest",
]

MANIFEST_VERSION = 1
MANIFEST_FILE = "manifest.json"
LIBRARIES = ("numpy", "pandas", "scipy", "scikit-learn", "geopandas", "shapely", "pyproj", "pyogrio",
             "pyrosm", "osmnx", "folium", "branca", "openpyxl")  # fmt: skip
"""The libraries whose versions shape the results and the files, recorded in every manifest."""

# Inputs read from data (hashed, never copied into the manifest) and the caller's free-text labels (redacted).
_DATA_ARGS = ("incidents", "observations", "study_area")
_TEXT_ARGS = ("title", "source_note")


# --- time ---------------------------------------------------------------------------------------------------
_FIXED: list[tuple[dt.datetime, float | None]] = []


def source_date() -> dt.datetime | None:
    """The instant ``SOURCE_DATE_EPOCH`` names (UTC), or None when it is not set.

    >>> os.environ["SOURCE_DATE_EPOCH"] = "1764547200"
    >>> source_date().isoformat()
    '2025-12-01T00:00:00+00:00'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    text = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not text:
        return None
    try:
        seconds = int(text)
    except ValueError:
        raise InputError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, got {text!r}"
        ) from None
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


@contextlib.contextmanager
def fixed_clock(start: dt.datetime, duration_s: float | None) -> Iterator[None]:
    """Runs inside the block start at ``start`` and last ``duration_s`` (a rerun that checks an output)."""
    _FIXED.append((start, duration_s))
    try:
        yield
    finally:
        _FIXED.pop()


class _Clock:
    """When a run started (the fixed clock, ``SOURCE_DATE_EPOCH`` or now) and how long it has run."""

    def __init__(self) -> None:
        self._t0 = time.perf_counter()
        fixed = _FIXED[-1] if _FIXED else None
        epoch = source_date()
        if fixed is not None:
            self.start, self._duration = fixed
            self.reproducible = fixed[1] is None
        else:
            self.start = epoch or dt.datetime.now(dt.UTC).replace(microsecond=0)
            self.reproducible, self._duration = epoch is not None, None

    def section(self) -> dict[str, Any]:
        out: dict[str, Any] = {"started": _iso(self.start), "source_date_epoch": self.reproducible}
        if not self.reproducible:
            took = self._duration if self._duration is not None else time.perf_counter() - self._t0
            out["duration_s"] = round(float(took), 1)
        return out


def _iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_start(manifest: Mapping[str, Any] | None) -> dt.datetime:
    """The start time a manifest records; without one, ``SOURCE_DATE_EPOCH`` or now (UTC, whole seconds)."""
    text = ((manifest or {}).get("run") or {}).get("started")
    if text:
        return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    if _FIXED:
        return _FIXED[-1][0]
    return source_date() or dt.datetime.now(dt.UTC).replace(microsecond=0)


# --- hashes -------------------------------------------------------------------------------------------------
def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    from trygghet_geo import _validate

    h = hashlib.sha256()
    with _validate.path("path", path, read=True).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_frame(frame: pd.DataFrame) -> str:
    """SHA-256 of a canonical serialisation of a (Geo)DataFrame (hex).

    The serialisation: a JSON header (column names, dtypes, row count, CRS), then per column the 64-bit
    hashes pandas gives each value (:func:`pandas.util.hash_pandas_object`, fixed key), geometry as
    2-D WKB, then the index the same way. Equal tables give equal hashes in any process; a changed value,
    column, order or CRS changes it. ``attrs`` are not part of the content.

    >>> a = pd.DataFrame({"x": [1.0, 2.0], "t": ["a", "b"]})
    >>> sha256_frame(a) == sha256_frame(a.copy()), sha256_frame(a) == sha256_frame(a.iloc[::-1])
    (True, False)
    """
    import shapely

    crs = getattr(frame, "crs", None) if hasattr(frame, "geometry") else None
    header = {
        "columns": [str(c) for c in frame.columns],
        "dtypes": [str(t) for t in frame.dtypes],
        "rows": len(frame),
        "crs": None if crs is None else crs.to_string(),
    }
    h = hashlib.sha256(b"trygghet-frame-v1\n")
    h.update(json.dumps(header, ensure_ascii=False).encode())
    for i in range(frame.shape[1]):
        col = frame.iloc[:, i]
        if str(col.dtype) == "geometry":
            col = pd.Series(
                shapely.to_wkb(np.asarray(col.array, dtype=object), output_dimension=2), dtype=object
            )
        h.update(_hash_column(col))
    h.update(_hash_column(frame.index.to_series()))
    return h.hexdigest()


def _hash_column(col: pd.Series) -> bytes:
    """pandas' row hashes of a column; cells pandas cannot hash (lists, dicts, sets a user left in a frame,
    text with a lone surrogate, which UTF-8 cannot encode) are hashed by their ``repr``, which is stable for
    such plain values."""
    try:
        return bytes(pd.util.hash_pandas_object(col, index=False).to_numpy().tobytes())
    except (TypeError, UnicodeEncodeError):
        return bytes(pd.util.hash_pandas_object(col.map(repr), index=False).to_numpy().tobytes())


_NETWORK_HASHES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def sha256_network(network: StreetNetwork) -> str:
    """Content hash of a street network: its nodes and edges tables (:func:`sha256_frame`); cached."""
    known = _NETWORK_HASHES.get(network)
    if known is None:
        h = hashlib.sha256(b"trygghet-network-v1\n")
        h.update(sha256_frame(network.nodes).encode())
        h.update(sha256_frame(network.edges).encode())
        known = _NETWORK_HASHES[network] = h.hexdigest()
    return known


def sha256_gazetteer(gazetteer: Gazetteer) -> str:
    """Content hash of a gazetteer: its entries table (:func:`sha256_frame`)."""
    known = getattr(gazetteer, "_manifest_sha256", None)
    if known is None:
        known = sha256_frame(gazetteer.entries)
        gazetteer._manifest_sha256 = known  # type: ignore[attr-defined]  # a cache beside the content hash
    return str(known)


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; False also when the system cannot say (a name too long for a path)."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _describe_input(value: Any) -> dict[str, Any]:
    """Role-free description of one input: a file's format, size and hash, or a table's rows and hash."""
    if isinstance(value, pd.DataFrame):
        return {"kind": "table", "rows": len(value), "sha256": sha256_frame(value)}
    if not isinstance(value, str | os.PathLike):  # neither: the reader refuses it by name
        return {"kind": type(value).__name__}
    path = Path(value)
    if not _is_file(path):
        return {"kind": "missing"}
    suffix = "".join(path.suffixes[-2:]).lower() if path.name.lower().endswith(".osm.pbf") else path.suffix
    return {"kind": "file", "format": suffix.lower().lstrip("."), "bytes": path.stat().st_size,
            "sha256": sha256_file(path)}  # fmt: skip


# --- the manifest ------------------------------------------------------------------------------------------
def software() -> dict[str, str | None]:
    """Versions of trygghet_geo, Python and :data:`LIBRARIES` (None for a library not installed)."""
    import platform

    import trygghet_geo

    out: dict[str, str | None] = {"trygghet_geo": trygghet_geo.__version__,
                                  "python": platform.python_version()}  # fmt: skip
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _plain(value: Any) -> Any:
    """A parameter value as JSON: numbers, codes, lists and dicts as they are; anything else by its type."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    return {"type": type(value).__name__}


def label_text(value: object) -> str:
    """A caller's free-text label (a title, a source note, a command's text option) as the manifest keeps it:
    redacted (:func:`.privacy.redact`) and cleaned as every shown text is (no control, bidi or zero-width
    character, which would hide or reorder the label wherever the manifest is shown)."""
    from trygghet_geo.output._redact import clean_text
    from trygghet_geo.output.privacy import redact

    return clean_text(redact(str(value)))


class RunRecord:
    """What :func:`trygghet_geo.analyze` knows before it reads anything: the call and the clock."""

    def __init__(self, arguments: Mapping[str, Any]) -> None:
        self.clock = _Clock()
        self.inputs: dict[str, Any] = {}
        self.requested: dict[str, Any] = {}
        for name, value in arguments.items():
            if name in _DATA_ARGS:
                if value is not None:
                    self.inputs[name] = _describe_input(value)
            elif name == "network" and hasattr(value, "edges"):
                self.inputs[name] = _network_section(value)
            elif name == "gazetteer" and hasattr(value, "entries"):
                self.inputs[name] = _gazetteer_section(value)
            elif name in ("network", "gazetteer"):
                if value is not None:  # not a network or gazetteer: analyze refuses it by name
                    self.inputs[name] = {"kind": type(value).__name__}
            elif name in _TEXT_ARGS:
                self.requested[name] = None if value is None else label_text(value)
            elif isinstance(value, Path) or (isinstance(value, str) and _is_file(Path(value))):
                self.inputs[name] = _describe_input(value)  # a file (a category table): by hash, never named
            else:
                self.requested[name] = _plain(value)

    def finish(self, analysis: AnalysisLike) -> dict[str, Any]:
        """The manifest of the finished run."""
        meta = analysis.meta or {}
        return {
            "manifest_version": MANIFEST_VERSION,
            "software": software(),
            "run": self.clock.section(),
            "inputs": self.inputs,
            "requested": self.requested,
            "parameters": _used_parameters(self.requested, meta, analysis),
            "counts": _counts(analysis),
        }


P = ParamSpec("P")
R = TypeVar("R")


def recorded(func: Callable[P, R]) -> Callable[P, R]:
    """Record every call of ``func`` (:func:`trygghet_geo.analyze`): the arguments as given, hashed and
    described before the function reads anything, and the run's clock; the finished manifest is set on the
    result's ``manifest``."""
    signature = inspect.signature(func)

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        record = RunRecord(bound.arguments)
        result = func(*args, **kwargs)
        result.manifest = record.finish(cast("AnalysisLike", result))  # type: ignore[attr-defined]
        return result

    return run


def _network_section(network: StreetNetwork) -> dict[str, Any]:
    return {"kind": "network", "nodes": len(network.nodes), "edges": len(network.edges),
            "crs": network.crs.to_string(), "sha256": sha256_network(network)}  # fmt: skip


def _gazetteer_section(gazetteer: Gazetteer) -> dict[str, Any]:
    return {"kind": "gazetteer", "entries": len(gazetteer.entries), "version": str(gazetteer.version),
            "sha256": sha256_gazetteer(gazetteer)}  # fmt: skip


def _used_parameters(
    requested: Mapping[str, Any], meta: Mapping[str, Any], analysis: AnalysisLike
) -> dict[str, Any]:
    """The parameters as the run used them: what was asked, with the values chosen automatically put in
    (``meta``'s numbers win over an ``"auto"``; the ranking's weights with its defaults filled in) and how
    and why they were chosen (``meta["parameters"]``, ``meta["parameters_note_en"]``)."""
    used = dict(requested)
    for key, value in meta.items():
        if key in used and not isinstance(value, str | type(None)) and key not in _TEXT_ARGS:
            used[key] = _plain(value)
    for key in _TEXT_ARGS:
        if meta.get(key):
            used[key] = label_text(meta[key])
    if "synthetic" in meta:
        used["synthetic"] = bool(meta["synthetic"])
    if requested.get("period") is None and isinstance(used.get("period"), list):
        # the data's own span, by month: the exact first and last times are the data's, not a setting
        used["period"] = [str(t)[:7] if t else None for t in used["period"]]
    if "weights" in used and isinstance(analysis.places.attrs.get("weights"), Mapping):
        used["weights"] = _plain(analysis.places.attrs["weights"])
    if isinstance(meta.get("parameters"), Mapping):
        used["chosen"] = _plain(meta["parameters"])
    for key in ("parameters_note_en", "parameters_note"):
        if isinstance(meta.get(key), str):
            used["why"] = meta[key]  # made by the code from numbers, not from the data
            break
    return used


def _counts(analysis: AnalysisLike) -> dict[str, Any]:
    inc, obs = analysis.incidents, analysis.observations
    places = analysis.places
    used = int((inc[schema.EDGE_ID] >= 0).sum()) if schema.EDGE_ID in inc else 0
    out: dict[str, Any] = {
        "incidents_in": len(inc),
        "incidents_clustered": used,
        "incidents_left_out": _sorted_counts(analysis.left_out),
        "observations_in": 0 if obs is None else len(obs),
        "hotspots": len(analysis.hotspots),
        "places": len(places),
        "places_significant": int(places["significant"].sum()) if "significant" in places else 0,
    }
    if obs is not None:
        out["observations_left_out"] = _sorted_counts(getattr(analysis, "observations_left_out", None))
    return out


def _sorted_counts(counts: Mapping[str, Any] | None) -> dict[str, int]:
    """Reason -> count, largest first and by code among equals (one order in every process)."""
    items = sorted(((str(k), int(v)) for k, v in (counts or {}).items()), key=lambda kv: (-kv[1], kv[0]))
    return dict(items)


def output_manifest(analysis: AnalysisLike, **output: Any) -> dict[str, Any]:
    """The analysis' manifest with what one output was written with (``privacy``, ``k``, ``lang``, …).

    An :class:`Analysis` built by hand has no run manifest; it gets the versions and the counts.
    """
    from trygghet_geo import _validate

    _validate.analysis("analysis", analysis)
    base = dict(getattr(analysis, "manifest", None) or {})
    if not base:
        clock = _Clock()
        run = {"started": _iso(clock.start), "source_date_epoch": clock.reproducible}
        base = {"manifest_version": MANIFEST_VERSION, "software": software(), "run": run,
                "counts": _counts(analysis)}  # fmt: skip
    base["output"] = {k: _plain(v) for k, v in sorted(output.items())}
    return base


def manifest_json(manifest: Mapping[str, Any], *, indent: int | None = 2) -> str:
    """The manifest as JSON text, keys sorted (one text for one manifest)."""
    return json.dumps(manifest, indent=indent, ensure_ascii=False, sort_keys=True, allow_nan=False)


def write_manifest(
    manifest: Mapping[str, Any], folder: str | Path, outputs: list[Path] | tuple[Path, ...] = ()
) -> Path:
    """Write ``manifest.json`` into ``folder``, with the SHA-256 of each of ``outputs`` (by file name)."""
    from trygghet_geo import _validate

    folder = _validate.path("folder", folder, folder=True)
    full = dict(manifest)
    full["outputs"] = [{"file": Path(p).name, "sha256": sha256_file(p)} for p in outputs]
    path = folder / MANIFEST_FILE
    folder.mkdir(parents=True, exist_ok=True)
    from trygghet_geo._atomic import write_text

    write_text(path, manifest_json(full) + "\n")  # whole or not at all
    return path
