"""``trygghet-geo verify``: do these inputs match what an output says it was made from, and does a rerun
give the same files?

:func:`check_inputs` recomputes the SHA-256 of each input the caller names (a file's bytes; the street
network's and the gazetteer's content, loaded the way ``analyze`` loads them) and compares it with the
manifest. :func:`rerun` runs the recorded command again on those inputs, at the recorded start time and
duration (:func:`.manifest.fixed_clock`), into a temporary folder, and compares every output byte for byte.
Messages are for the command line; nothing here prints. The command line hands in how it loads a network
and a gazetteer and its own ``main``, so this module does not import it.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trygghet_geo import manifest as mf
from trygghet_geo.errors import InputError

__all__ = ["Check", "check_inputs", "command_record", "read_manifest", "record_command", "rerun"]

ROLES = ("incidents", "observations", "study_area", "network", "gazetteer", "places")
"""Input roles a manifest records and ``verify`` takes as options (``--study-area`` for ``study_area``)."""
_NOT_OPTIONS = {"command", "verbose", "no_progress", "out", *ROLES}


@dataclass
class Check:
    """The outcome of a check: one line per item, and whether every item matched."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True
    compared: int = 0

    def add(self, line: str, ok: bool) -> None:
        self.lines.append(("ok        " if ok else "MISMATCH  ") + line)
        self.ok = self.ok and ok
        self.compared += 1


def command_record(name: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """What a CLI command was run with, for ``verify --rerun``: its options, without the input files (they are
    in the manifest's ``inputs``, by hash) and the output folder; another file option is kept by its hash."""

    def kept_value(key: str, value: Any) -> Any:
        if isinstance(value, str) and key != "name" and Path(value).is_file():
            return {"sha256": mf.sha256_file(value)}
        if isinstance(value, str):
            return mf.label_text(value)
        if isinstance(value, list | tuple):  # several files (--other-sources): each by its hash, never named
            return [kept_value(key, v) for v in value]
        return mf._plain(value)

    kept = {
        key: kept_value(key, value)
        for key, value in sorted(options.items())
        if key not in _NOT_OPTIONS and not key.startswith("_")
    }
    return {"name": name, "options": kept}


def record_command(manifest: dict[str, Any], name: str, options: Mapping[str, Any]) -> None:
    """Put into ``manifest`` the command and the files it read: a data file the command read into a table
    itself is recorded by the file's bytes (what ``verify`` compares), the table's hash kept beside it."""
    manifest["command"] = command_record(name, options)
    inputs = manifest.setdefault("inputs", {})
    for role in ("incidents", "observations", "study_area", "places"):
        path = options.get(role)
        if isinstance(path, str) and Path(path).is_file():
            before = inputs.get(role) or {}
            inputs[role] = mf._describe_input(path)
            if before.get("kind") == "table":
                inputs[role]["table_sha256"] = before["sha256"]


Loader = Callable[..., Any]


def _hash_of(role: str, path: str, network_path: str | None, loaders: Mapping[str, Loader]) -> str:
    if role == "network":
        return mf.sha256_network(loaders["network"](path))
    if role == "gazetteer":
        if Path(path).suffix.lower() not in (".parquet", ".gpkg") and network_path is None:
            raise InputError(
                f"--gazetteer {path!r}: a gazetteer built from an OSM extract needs --network too"
            )
        net = loaders["network"](network_path) if network_path else None
        gaz = loaders["gazetteer"](path, net)
        return mf.sha256_gazetteer(gaz) if gaz is not None else ""
    if not Path(path).is_file():
        raise InputError(f"--{role.replace('_', '-')} {path!r}: no such file")
    return mf.sha256_file(path)


def check_inputs(
    manifest: Mapping[str, Any], files: Mapping[str, str | None], loaders: Mapping[str, Loader]
) -> Check:
    """Compare each given input (role -> path) with the hash the manifest records; ``loaders`` load a
    ``network`` from a path and a ``gazetteer`` from a path and a network, as the command line does."""
    check = Check()
    recorded = manifest.get("inputs") or {}
    for role in ROLES:
        path = files.get(role)
        item = recorded.get(role)
        flag = "--" + role.replace("_", "-")
        if path is None:
            if item is not None:
                check.lines.append(f"not checked  {role}: give {flag} to check it")
            continue
        if item is None:
            check.add(f"{role}: the run had no {role}, but {flag} was given", False)
            continue
        got = _hash_of(role, path, files.get("network"), loaders)
        want = str(item.get("sha256", ""))
        if item.get("kind") == "table":
            check.add(f"{role}: the run was given a table in memory (sha256 {want[:12]}…), not a file, so "
                      f"{path} cannot be compared byte for byte", False)  # fmt: skip
        else:
            same = got == want
            check.add(f"{role}: sha256 {got[:12]}… " + ("matches the manifest" if same else
                      f"differs from the manifest's {want[:12]}… ({path})"), same)  # fmt: skip
    return check


def _argv(command: Mapping[str, Any], files: Mapping[str, str | None], out: Path) -> list[str]:
    name, options = str(command.get("name")), dict(command.get("options") or {})
    if name == "demo":
        return ["demo", "--out", str(out), "--raw", str(out / "raw")]
    if name not in ("analyze", "report"):
        raise InputError(f"verify --rerun: cannot rerun the command {name!r}")
    argv = [name, "--out", str(out)]
    for role in ROLES:
        path = files.get(role)
        if path is not None:
            argv += (
                [path] if (name, role) == ("analyze", "incidents") else ["--" + role.replace("_", "-"), path]
            )
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, Mapping):
            raise InputError(f"verify --rerun: the run read a file through {flag}; rerun it by hand")
        if value is None or value is False:
            continue
        argv += [flag] if value is True else [flag, str(value)]
    return argv


def rerun(
    manifest: Mapping[str, Any],
    output: str | Path,
    files: Mapping[str, str | None],
    main: Callable[[Sequence[str]], int],
) -> Check:
    """Run the recorded command again (through the command line's ``main``) on ``files`` at the recorded time
    and compare its outputs byte for byte with the ones beside ``output``."""
    check = Check()
    command = manifest.get("command")
    if not isinstance(command, Mapping):
        raise InputError("verify --rerun: the manifest records no command (the output was made through the "
                         "library); rerun it there with the parameters it lists")  # fmt: skip
    inputs = manifest.get("inputs") or {}
    missing = [r for r in ROLES if (inputs.get(r) or {}).get("kind") == "file" and files.get(r) is None]
    if command.get("name") != "demo" and missing:
        flags = ", ".join("--" + r.replace("_", "-") for r in missing)
        raise InputError(f"verify --rerun: give every input the run had ({flags})")
    output = Path(output)
    folder = output if output.is_dir() else output.parent
    listed = manifest.get("outputs")
    names = [str(o["file"]) for o in listed] if isinstance(listed, list) else [output.name]
    run = manifest.get("run") or {}
    with tempfile.TemporaryDirectory(prefix="trygghet-verify-") as tmp:
        out = Path(tmp) / "out"
        argv = _argv(command, files, out)
        with mf.fixed_clock(mf.run_start(manifest), run.get("duration_s")), \
                contextlib.redirect_stdout(io.StringIO()):  # fmt: skip
            code = main(argv)
        if code != 0:
            check.add(f"the rerun ({' '.join(argv[:1])}) failed with exit code {code}", False)
            return check
        for name in names:
            old, new = folder / name, out / name
            if not old.is_file() or not new.is_file():
                why = "missing beside the output" if not old.is_file() else "not made by the rerun"
                check.add(f"{name}: {why}",
                          False)  # fmt: skip
                continue
            same = old.read_bytes() == new.read_bytes()
            check.add(f"{name}: " + ("the rerun gives the same bytes" if same else
                      f"the rerun differs (sha256 {mf.sha256_file(new)[:12]}… against "
                      f"{mf.sha256_file(old)[:12]}…)"), same)  # fmt: skip
    return check


def read_manifest(output: str | Path) -> dict[str, Any]:
    """The manifest an output carries: a folder's ``manifest.json``, a ``.json`` file, the block embedded in
    an HTML file, or the manifest sheet of an XLSX file."""
    import re

    path = Path(output)
    if path.is_dir():
        path = path / mf.MANIFEST_FILE
    if not path.is_file():
        raise InputError(f"{str(output)!r}: no such file (expected an output file or folder)")
    import zipfile

    suffix = path.suffix.lower()
    found: Any = None
    try:
        if suffix == ".json":
            found = json.loads(path.read_text(encoding="utf-8"))
        if suffix in (".html", ".htm"):
            pattern = r'<script type="application/json" id="trygghet-manifest">(.*?)</script>'
            block = re.search(pattern, path.read_text(encoding="utf-8"), flags=re.S)
            found = json.loads(block.group(1)) if block else None
        if suffix in (".xlsx", ".xlsm"):
            from trygghet_geo.io._stamp import manifest_from_xlsx

            found = manifest_from_xlsx(path)
    except (ValueError, KeyError, RecursionError, zipfile.BadZipFile) as exc:  # broken JSON, text or workbook
        raise InputError(f"{str(path)!r}: the manifest cannot be read: {exc}") from exc
    if isinstance(found, dict) and "manifest_version" in found and isinstance(found.get("inputs"), dict):
        return found
    raise InputError(f"{str(path)!r}: carries no trygghet_geo manifest")
