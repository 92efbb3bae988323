"""Make the README's pictures of a study (docs/images/*.png) from a small seeded study.

    PYTHONPATH=. python scripts/make_readme_figures.py

Rerun it when the plots change, so the pictures stay current; they are kept small (about
100 dpi, a few tens of kilobytes each).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import hyperhop as hh
from hyperhop.plot import plot_history, plot_parallel_coordinates

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"

SPACE = {
    "lr": hh.float(1e-5, 1e-1, log=True),
    "units": hh.int(16, 512, log=True),
    "opt": hh.choice("adam", "sgd"),
    "model": hh.choice(
        {"kind": "svm", "C": hh.float(1e-3, 1e3, log=True)},
        {"kind": "forest", "trees": hh.int(10, 500)},
    ),
}


def objective(cfg: dict) -> float:
    """A made-up validation loss: best near lr = 1e-2, Adam, many units; an SVM likes C
    near 1 and a forest likes many trees."""
    loss = (math.log10(cfg["lr"]) + 2) ** 2 / 4 + 0.3 * (cfg["opt"] == "sgd")
    loss += 0.2 * (1 - math.log(cfg["units"] / 16) / math.log(32))
    m = cfg["model"]
    loss += (
        0.1 * math.log10(m["C"]) ** 2 / 9 if m["kind"] == "svm" else 0.2 * (1 - m["trees"] / 500)
    )
    return loss


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    groups = {
        algo: [
            hh.minimize(objective, SPACE, n_trials=60, algo=algo, seed=s, progress=False)
            for s in range(5)
        ]
        for algo in ("tpe", "random")
    }
    fig = plot_history(groups)
    fig.set_size_inches(6, 3.4)
    fig.savefig(OUT / "history.png", dpi=80)
    fig = plot_parallel_coordinates(groups["tpe"][0])
    fig.set_size_inches(7.5, 3.6)
    fig.savefig(OUT / "parallel_coordinates.png", dpi=70)
    for p in sorted(OUT.glob("*.png")):
        print(p.relative_to(OUT.parent.parent), f"{p.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
