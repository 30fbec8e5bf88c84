"""Bounded memory: no input under 10 MB makes the reader grow by more than 500 MB.

The heavy cases of the corpus, and inputs of nearly 10 MB built to be as bad as the class allows, are read in
one subprocess whose address space is capped at its size after the imports plus 500 MB
(``resource.setrlimit(RLIMIT_AS)``): a reader that tried to build a dense range of 40 million cells, expand
entities, or make a column per cell of a 100,000-column header would fail with MemoryError there, and the
test with it. The peak resident memory per input is measured too (``VmHWM``, reset per input)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

from reader_corpus import Case, all_cases, quote_row, xlsx_parts, zip_file

LIMIT_MB = 500
TEN_MB = 10_000_000


def _big_inputs(folder: Path) -> list[tuple[str, Path, str]]:
    """Inputs just under 10 MB: (label, path, kind)."""
    rng = random.Random(7)
    out = []
    # A quote in the first record that never closes, then ~9.9 MB of records.
    lines = [quote_row(["Id", "Datum", "Plats", "Kategori", "Anteckning"], ";", "\n")]
    lines.append('r0;2025-01-01;"Storgatan 1;Belysning;24 tum\n')
    i, size = 1, 0
    while size < TEN_MB - 200_000:
        line = f"r{i};2025-0{1 + i % 9}-1{i % 10};Storgatan {i % 90};Belysning;Mörkt vid porten {i}\n"
        lines.append(line)
        size += len(line.encode())
        i += 1
    path = folder / "runaway_10mb.csv"
    path.write_text("".join(lines), encoding="utf-8")
    out.append(("runaway quote, 10 MB", path, "observations"))
    # A narrow header and one line of ~4.9 million cells.
    path = folder / "one_wide_line.csv"
    path.write_text(
        "Plats;Kategori;Anteckning\nStorgatan 1;Belysning;" + ";x" * 4_900_000 + "\n", encoding="utf-8"
    )
    out.append(("one line of 4.9 million cells", path, "observations"))
    # A header of 2,000,000 columns.
    path = folder / "wide_header.csv"
    path.write_text("Plats" + ";c" * 2_000_000 + "\nStorgatan 1\n", encoding="utf-8")
    out.append(("header of 2 million columns", path, "observations"))
    # 2,000 columns (under the limit), as many rows as fit.
    row = ";".join(["Storgatan 1", *("1" for _ in range(1999))]) + "\n"
    header = ";".join(["Plats", *(f"c{i}" for i in range(1999))]) + "\n"
    path = folder / "wide_2000.csv"
    path.write_text(header + row * ((TEN_MB - len(header)) // len(row)), encoding="utf-8")
    out.append(("2,000 columns x 2,500 rows", path, "observations"))
    # 10 MB of nested brackets.
    path = folder / "nested.json"
    path.write_bytes(b"[" * (TEN_MB // 2 - 10) + b"]" * (TEN_MB // 2 - 10))
    out.append(("5 million nested brackets", path, "incidents"))
    # A real-looking workbook of nearly 10 MB (random text compresses little): ~500,000 cells.
    rows = []
    for r in range(1, 200_000):
        cells = "".join(
            f'<c r="{col}{r}" t="inlineStr"><is><t>{rng.getrandbits(40):x}</t></is></c>' for col in "ABCD"
        )
        rows.append(f'<row r="{r}">{cells}</row>')
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="0"/>' + "".join(rows) + "</sheetData></worksheet>"
    ).replace('<row r="0"/>', "")
    sheet = sheet.replace('<row r="1">', '<row r="1"><c r="E1" t="inlineStr"><is><t>Plats</t></is></c>', 1)
    path = zip_file("big.xlsx", xlsx_parts(sheet))(folder)
    out.append((f"workbook of {path.stat().st_size / 1e6:.1f} MB", path, "observations"))
    return out


CHILD = textwrap.dedent(
    """
    import gc, json, os, resource, sys
    from trygghet_geo.io import read_incidents, read_observations
    from trygghet_geo.errors import TrygghetError
    import geopandas, pyproj, shapely, python_calamine  # everything a read may import, before the cap

    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key):
                return int(line.split()[1]) * 1024
        return 0

    base_vm, base_rss = status("VmSize"), status("VmRSS")
    limit = base_vm + int(sys.argv[2]) * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    results = []
    for label, path, kind in json.load(open(sys.argv[1])):
        gc.collect()
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # reset the peak resident size
        try:
            reader = read_incidents if kind == "incidents" else read_observations
            outcome = f"read {len(reader(path))} rows"
        except TrygghetError as exc:
            outcome = "refused: " + str(exc)[:120]
        except MemoryError:
            outcome = "MemoryError"
        # The peak over the baseline after the imports: an upper bound of what this input took (memory freed
        # by earlier inputs but kept by the allocator counts too).
        results.append([label, os.path.getsize(path), outcome, (status("VmHWM") - base_rss) / 2**20])
    print(json.dumps({"base_rss_mb": base_rss / 2**20, "results": results}))
    """
)


def read_under_limit(tmp_path: Path, inputs: list[tuple[str, Path, str]]) -> dict:
    """Read each (label, path, kind) in a child process whose address space is capped at LIMIT_MB above
    its baseline (CHILD); its report: ``base_rss_mb`` and ``results`` (label, size, outcome, peak MB)."""
    listing = tmp_path / "inputs.json"
    listing.write_text(json.dumps([(label, str(p), kind) for label, p, kind in inputs]), encoding="utf-8")
    env = {**os.environ, "MALLOC_ARENA_MAX": "2", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "ARROW_DEFAULT_MEMORY_POOL": "system", "PYTHONPATH": os.pathsep.join(sys.path)}  # fmt: skip
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(listing), str(LIMIT_MB)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_no_input_under_10_mb_takes_500_mb(tmp_path: Path) -> None:
    inputs: list[tuple[str, Path, str]] = []
    heavy: list[Case] = [c for c in all_cases(0) if c.heavy]
    for k, case in enumerate(heavy):
        folder = tmp_path / f"c{k}"
        folder.mkdir()
        src = case.write(folder)
        inputs.append((f"{case.cls}: {case.name}", src, case.kind))
    inputs += _big_inputs(tmp_path)
    assert all(p.stat().st_size < TEN_MB for _, p, _ in inputs)
    report = read_under_limit(tmp_path, inputs)
    lines = [f"{peak:7.1f} MB  {size / 1e6:5.2f} MB in  {label[:70]}: {outcome[:60]}"
             for label, size, outcome, peak in report["results"]]  # fmt: skip
    print(f"baseline {report['base_rss_mb']:.0f} MB resident after imports; peak above it per input:", *lines,
          sep="\n")  # fmt: skip
    for label, _, outcome, peak in report["results"]:
        assert outcome != "MemoryError", label
        assert peak < LIMIT_MB, (label, peak)
