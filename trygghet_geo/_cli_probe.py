"""What the command line looks at before the work, beyond the options themselves: the files it would read
only after the street network (a minute or more from a country extract), and the Dask scheduler
``batch --scheduler`` names.

- :func:`probe_inputs` opens each such file just far enough to know it is of its kind: a saved gazetteer's
  table and its columns, an OSM extract's header block, a GIS layer's metadata. A broken or wrong file is
  then an :class:`~trygghet_geo.errors.InputError` naming the option and the file, before the network is
  read (a data error: exit status 1), not after it. The files read before the network anyway (the incident
  and observation files, ``--places``, the lägesbild's own files) are left to their readers.
- :func:`check_scheduler` refuses a ``--scheduler`` that is no scheduler (a
  :class:`~trygghet_geo.errors.ParameterError`, exit status 2): not one of the names, not an address Dask
  reads, nothing listening there, or something that is not a Dask scheduler, each found within
  :data:`SCHEDULER_WAIT_S` seconds rather than after Dask's own 30 s and the partitions' planning.
"""

from __future__ import annotations

import argparse
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trygghet_geo._cli_conventions import reading
from trygghet_geo.errors import InputError, ParameterError

__all__ = ["SCHEDULER_WAIT_S", "check_scheduler", "probe_inputs"]

#: Longest wait for a scheduler to answer before the run (Dask's own connect timeout is 30 s).
SCHEDULER_WAIT_S = 10.0
_SCHEDULER_NAMES = ("threads", "synchronous")
_PROTOCOLS = ("tcp", "tls", "ws", "wss", "ucx")  # dask's comm backends that reach another process


# --- files read after the street network ----------------------------------------------------------------
def _osm_extract(flag: str, path: str) -> None:
    """An OSM extract: a PBF whose first block is a valid header (pyrosm's own check, which reads that block
    alone), or OSM XML that says so in its first kilobyte."""
    if path.lower().endswith((".osm", ".xml")):
        with reading(flag, path, "an OSM XML file"), open(path, "rb") as fh:
            head = fh.read(1024)
        if b"<osm" not in head:
            raise InputError(f"{flag} {path!r}: not an OSM XML file (no <osm> element at its start)")
        return
    from pyrosm.pbf_export import read_header_block

    with reading(flag, path, "an OpenStreetMap extract (.osm.pbf)"):
        read_header_block(path)


def _layer(flag: str, path: str, layer: str | None = None) -> list[str]:
    """A GIS layer's metadata (its driver opens it and lists its fields); its field names."""
    import pyogrio

    with reading(flag, path, "a GIS layer"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on a broken file
        info = pyogrio.read_info(path, layer=layer)
    if info.get("geometry_type") is None:
        raise InputError(f"{flag} {path!r}: holds a table without geometry, not a GIS layer")
    return [str(f) for f in info["fields"]]


def _parquet_columns(flag: str, path: str, what: str) -> list[str]:
    import pyarrow.parquet as pq

    with reading(flag, path, what):
        return list(pq.read_schema(path).names)


def _gazetteer(flag: str, path: str) -> None:
    """A saved gazetteer (its table holds the gazetteer's columns) or an OSM extract to build one from."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".parquet", ".gpkg"):
        _osm_extract(flag, path)
        return
    from trygghet_geo.geocode._entries import ENTRY_COLUMNS
    from trygghet_geo.geocode._gazetteer import _LATER_COLUMNS
    from trygghet_geo.geocode._sealed import check_saved

    try:
        columns = _saved_columns(flag, path, suffix)
    except InputError:
        check_saved(path, flag)  # a file of its kind, damaged: said so, with the fix
        raise
    missing = [c for c in ENTRY_COLUMNS if c not in columns and c not in _LATER_COLUMNS]
    if missing:
        raise InputError(
            f"{flag} {path!r}: not a gazetteer (lacks the columns {missing}); expected one saved by "
            "'trygghet-geo geocode --save-gazetteer' or Gazetteer.save"
        )
    check_saved(path, flag)  # its data whole, not only its footer or header (a checksum, SQLite's check)


def _saved_columns(flag: str, path: str, suffix: str) -> list[str]:
    what = "a saved gazetteer"
    if suffix == ".parquet":
        return _parquet_columns(flag, path, what)
    import pyogrio

    with reading(flag, path, what):
        layers = {str(row[0]) for row in pyogrio.list_layers(path)}
    if "gazetteer" not in layers:
        raise InputError(
            f"{flag} {path!r}: no layer 'gazetteer' (layers: {sorted(layers)}); expected a gazetteer "
            "saved by 'trygghet-geo geocode --save-gazetteer' or Gazetteer.save"
        )
    return _layer(flag, path, "gazetteer")


def _addresses(flag: str, path: str) -> None:
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        _parquet_columns(flag, path, "an address layer (GeoParquet)")
    elif suffix not in (".csv", ".txt"):  # a CSV is read by the one CSV reader, which names its faults
        _layer(flag, path)


# Each option read after the street network (by its dest), and how it is looked at first. ``pbf`` is the
# basemap's extract (the network's own with 'network --pbf', where reading it is the work itself).
_PROBES: dict[str, Callable[[str, str], Any]] = {
    "gazetteer": _gazetteer,
    "pbf": _osm_extract,
    "study_area": _layer,
    "addresses": _addresses,
}


def probe_inputs(args: argparse.Namespace) -> None:
    """Each file of ``args`` that the command reads only after the street network, opened just far enough to
    know it is of its kind (see the module's text); and the geocoder's answer cache, checked whole (SQLite's
    own check), when the run geocodes place text."""
    for dest, probe in _PROBES.items():
        value = getattr(args, dest, None)
        if isinstance(value, str) and Path(value).is_file():  # missing files: refused by _preflight
            probe(f"--{dest.replace('_', '-')}", value)
    geocodes = args.command == "geocode" or isinstance(getattr(args, "gazetteer", None), str)
    if geocodes and not getattr(args, "no_cache", False):
        from trygghet_geo._config import options
        from trygghet_geo.geocode._cache import ResultCache

        if (options.cache_dir / "geocode.sqlite").is_file():  # none yet: made when the run stores answers
            ResultCache(options.cache_dir / "geocode.sqlite", max_age_days=None)  # opened: checked


# --- the Dask scheduler ---------------------------------------------------------------------------------
def check_scheduler(value: str) -> None:
    """``--scheduler``: one of the names, or the address of a Dask scheduler that answers now."""
    if value in _SCHEDULER_NAMES:
        return
    shown = repr(value if len(value) <= 80 else value[:80] + "…")
    expected = "expected 'threads', 'synchronous' or a scheduler's address such as tcp://host:8786"
    if "://" not in value:
        raise ParameterError(f"--scheduler {shown}: {expected}")
    protocol, _, location = value.partition("://")
    host, sep, port_text = location.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")  # an IPv6 address: tcp://[::1]:8786
    if protocol not in _PROTOCOLS:
        raise ParameterError(f"--scheduler {shown}: {protocol!r} is not a protocol Dask reaches one by")
    if not (sep and host and port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
        raise ParameterError(f"--scheduler {shown}: {expected} (a host and a port 1-65535)")
    if any(c.isspace() for c in value) or len(host) > 253:
        raise ParameterError(f"--scheduler {shown}: not a host name")
    problem = _ask_scheduler(value, host, int(port_text), tcp=protocol != "ucx")
    if problem is not None:
        raise ParameterError(f"--scheduler {shown}: {problem}")


def _ask_scheduler(address: str, host: str, port: int, *, tcp: bool) -> str | None:
    """Why the scheduler at ``address`` cannot be used (None: it answered as a Dask scheduler), found within
    :data:`SCHEDULER_WAIT_S` seconds: a plain connection first (a refused one or an unknown host is told at
    once, where Dask would retry until its timeout), then Dask's handshake and an ``identity`` request, on a
    thread of its own (a name lookup that hangs, or a port that takes the connection and never answers,
    is left behind there when the time is up)."""
    wait = SCHEDULER_WAIT_S
    answer: list[str | None] = []

    def ask() -> None:
        import asyncio
        import socket

        try:
            if tcp:
                socket.create_connection((host, port), timeout=wait).close()
        except Exception as exc:  # refused, unknown host, unreachable network, sockets not allowed …
            answer.append(f"cannot connect ({_detail(exc)})")
            return
        try:
            answer.append(asyncio.run(_identity(address, wait)))
        except BaseException as exc:  # something that is not Dask can answer with anything: its bytes read
            answer.append(f"answers, but not as a Dask scheduler ({_detail(exc)})")  # as a length can even
            # make a MemoryError

    thread = threading.Thread(target=ask, name="trygghet-scheduler-check", daemon=True)
    thread.start()
    thread.join(wait + 1.0)
    if not answer:
        return f"no answer within {wait:g} s"
    return answer[0]


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:160]}"


async def _identity(address: str, wait: float) -> str | None:
    import asyncio
    import importlib

    comms: Any = importlib.import_module("distributed.comm")  # untyped: calls go through Any
    security: Any = importlib.import_module("distributed.security")
    comm = await comms.connect(address, timeout=wait, **security.Security().get_connection_args("client"))
    try:
        await comm.write({"op": "identity", "reply": True})
        reply = await asyncio.wait_for(comm.read(), wait)
    finally:
        await comm.close()
    kind = reply.get("type") if isinstance(reply, dict) else None
    return None if kind == "Scheduler" else f"answers, but not as a Dask scheduler ({str(kind)[:40]})"
