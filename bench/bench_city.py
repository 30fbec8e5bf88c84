"""Benchmark: ``analyze`` on one city of 100,000 incidents with the defaults and 99 simulations.

The data are those of ``bench_defaults.py --big-only``: 100,000 incidents spread uniformly along the sample's
streets (central Helsinki; ``planted.scenario``, seed 7, no planted hotspot), read as a police export. Each
configuration runs in its own process (fresh caches; imports and the compiled kernels' cache load included in
nothing but the process, the timed call is ``analyze`` itself), in the same run:

- ``before``   the code before this work (``--before DIR``: a checkout of it, e.g. ``git archive <commit>``),
               if given: one simulation after another from one random stream;
- ``serial``   this code, ``n_jobs=1``, ``sequential=False``: all 99 simulations, one after another;
- ``n_jobs=1`` this code with its defaults (Besag-Clifford stopping on), one thread;
- ``n_jobs=2`` the same on two threads: its places must equal ``n_jobs=1``'s bit for bit.

Wall and CPU seconds (user + system of the process, all threads) are printed: the machine is shared.

Run:  PYTHONPATH=. .venv/bin/python bench/bench_city.py [--before /tmp/before] [--sims 99] [--n 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = {
    "before": {},
    "serial": {"n_jobs": 1, "sequential": False},
    "n_jobs=1": {"n_jobs": 1},
    "n_jobs=2": {"n_jobs": 2},
}


def child(name: str, data: str, out: str, sims: int) -> None:
    import numpy as np

    from trygghet_geo import analyze, options, sample

    options.progress = False
    net = sample.load_network()
    incidents = pickle.loads(Path(data).read_bytes())
    kwargs = dict(RUNS[name])
    sequential = kwargs.pop("sequential", True)
    if not sequential:  # every simulation: the runner's switch, not a public argument of analyze
        from trygghet_geo.hotspots import _montecarlo

        run = _montecarlo.run
        _montecarlo.run = lambda *a, **k: run(*a, **{**k, "sequential": False})  # type: ignore[assignment]
    cpu0 = os.times()
    t0 = time.perf_counter()
    r = analyze(incidents, network=net, n_simulations=sims, **kwargs)
    wall = time.perf_counter() - t0
    cpu1 = os.times()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    places = r.places
    cols = [c for c in ("p_value", "q_value", "p_max", "significant", "score") if c in places.columns]
    result = {
        "wall": wall,
        "cpu": cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "eps": float(r.meta["eps_m"]),
        "ms": int(r.meta["min_samples"]),
        "n_hot": len(r.hotspots),
        "n_sig": int(places["significant"].sum()),
    }
    Path(out).write_text(json.dumps(result))
    np.save(out + ".labels.npy", r.incidents["cluster"].to_numpy())
    places[cols].to_pickle(out + ".places.pkl")


def run(name: str, data: str, sims: int, src: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "r.json")
        env = {**os.environ, "PYTHONPATH": str(src)}
        cmd = [sys.executable, __file__, "--child", name, data, out, str(sims)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        if not Path(out).exists():
            return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1][:200]}
        import numpy as np
        import pandas as pd

        res = json.loads(Path(out).read_text())
        res["labels"] = np.load(out + ".labels.npy")
        res["places"] = pd.read_pickle(out + ".places.pkl")
        return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code before this work")
    parser.add_argument("--sims", type=int, default=99)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", default="before,serial,n_jobs=1,n_jobs=2")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        name, data, out, sims = args.child
        child(name, data, out, int(sims))
        return 0
    sys.path.insert(0, str(HERE))
    import numpy as np
    import pandas as pd
    from planted import scenario

    from trygghet_geo import options, sample

    options.progress = False
    net = sample.load_network()
    sc = scenario(net, args.n / (net.edges["length_m"].sum() / 1000), 7, n_hot=0)
    here = HERE.parent
    print(
        f"analyze, defaults, {len(sc.incidents):,} incidents, {args.sims} simulations; {os.cpu_count()} cores"
    )
    print(f"{'run':<10}{'wall s':>9}{'CPU s':>9}{'peak MiB':>10}  result")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = str(Path(tmp) / "incidents.pkl")
        Path(data).write_bytes(pickle.dumps(sc.incidents))
        for name in args.runs.split(","):
            if name == "before" and args.before is None:
                continue
            res = run(name, data, args.sims, args.before if name == "before" else here)
            if "error" in res:
                print(f"{name:<10}  failed: {res['error']}")
                continue
            results[name] = res
            print(
                f"{name:<10}{res['wall']:>9.1f}{res['cpu']:>9.1f}{res['peak_mib']:>10.0f}  "
                f"eps {res['eps']:.0f} m, min_samples {res['ms']}, {res['n_hot']} hotspots, "
                f"{res['n_sig']} significant",
                flush=True,
            )
    if "n_jobs=1" in results and "n_jobs=2" in results:
        a, b = results["n_jobs=1"], results["n_jobs=2"]
        same = np.array_equal(a["labels"], b["labels"]) and a["places"].equals(b["places"])
        print(f"n_jobs=2 equals n_jobs=1 (labels, places, p-values bit for bit): {same}")
    for base in ("before", "serial"):
        if base in results and "n_jobs=2" in results:
            ratio = results[base]["wall"] / results["n_jobs=2"]["wall"]
            print(f"n_jobs=2 against {base}: {ratio:.1f}x faster (wall)")
    if "before" in results and "serial" in results:
        same = np.array_equal(results["before"]["labels"], results["serial"]["labels"])
        print(f"cluster labels equal to before: {same}")
    del pd
    return 0


if __name__ == "__main__":
    sys.exit(main())
