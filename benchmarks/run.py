"""Run every benchmark module in a fresh process each (so peak memory is per benchmark).

`bench_largest` (issue 17's table at 20,000 and 52,000 households, a quarter of an hour) runs the
others at the largest sizes: it runs only when named (`python -m benchmarks.run bench_largest`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: benchmarks that run the others (at other sizes): only when named
COMPOSITE = ("bench_largest",)


def main() -> int:
    names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("bench_*.py") if p.stem not in COMPOSITE)
    failed = 0
    for name in names:
        print(f"# {name}", flush=True)
        failed += subprocess.call([sys.executable, "-m", f"benchmarks.{name}"], cwd=HERE.parent) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
