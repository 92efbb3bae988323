"""The README's first command: tune a scikit-learn model, results kept in SQLite.

Tunes one of three classifiers (an SVM, a random forest, logistic regression; each with
its own conditional hyperparameters) on scikit-learn's breast-cancer data set by 3-fold
cross-validated accuracy. Every trial is stored in ``runs/demo.db``; run it again and it
resumes (``--trials`` is the total; ``--more 20`` adds twenty). It ends with the command that
shows the results, spelled so that it works in the shell it was started from.

    python examples/demo.py [--trials 40] [--more N] [--storage sqlite:///runs/demo.db]
    make demo ARGS="--more 20"
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import sys
from typing import Any

import hyperhop as hh
from hyperhop.cli import format_table

SPACE = {
    "scale": hh.choice(True, False),
    "model": hh.choice(
        {
            "kind": "svm",
            "C": hh.float(1e-2, 1e3, log=True),
            "gamma": hh.float(1e-5, 1e-1, log=True),
        },
        {"kind": "forest", "trees": hh.int(10, 200, log=True), "depth": hh.choice(None, 4, 8, 16)},
        {"kind": "logreg", "C": hh.float(1e-3, 1e2, log=True, label="model.logreg_C")},
    ),
}


def build_model(cfg: dict[str, Any]) -> Any:
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    m = cfg["model"]
    if m["kind"] == "svm":
        est: Any = SVC(C=m["C"], gamma=m["gamma"])
    elif m["kind"] == "forest":
        est = RandomForestClassifier(
            n_estimators=m["trees"], max_depth=m["depth"], random_state=0, n_jobs=1
        )
    else:
        est = LogisticRegression(C=m["C"], max_iter=2000)
    return make_pipeline(StandardScaler(), est) if cfg["scale"] else est


def objective(cfg: dict[str, Any]) -> float:
    """Plain dict in, number out: the objective does not import hyperhop."""
    import warnings

    from sklearn.datasets import load_breast_cancer
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    warnings.filterwarnings("ignore", category=ConvergenceWarning)  # unscaled logistic regression

    X, y = load_breast_cancer(return_X_y=True)
    cv = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return float(cross_val_score(build_model(cfg), X, y, cv=cv, n_jobs=1).mean())


def describe(cfg: dict[str, Any]) -> str:
    m = cfg["model"]
    parts = [
        f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in m.items() if k != "kind"
    ]
    return f"{m['kind']}({', '.join(parts)}){' +scale' if cfg['scale'] else ''}"


def _here(path: str) -> str:
    """``path`` as typed from the current directory (relative when it is below it)."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else os.path.abspath(path)


def hyperhop_command() -> str:
    """How to run the ``hyperhop`` command from this shell: plain ``hyperhop`` when the one
    on the PATH is this environment's, else its path (``.venv/bin/hyperhop``), else
    ``python -m hyperhop.cli`` with this interpreter."""
    bindir = os.path.dirname(sys.executable)  # not resolved: a venv's python is a link
    script = os.path.join(bindir, "hyperhop")
    if os.path.exists(script):
        on_path = shutil.which("hyperhop")
        if on_path and os.path.realpath(on_path) == os.path.realpath(script):
            return "hyperhop"
        return _here(script)
    return f"{_here(sys.executable)} -m hyperhop.cli"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trials", type=int, default=40, help="total trials in the study (default 40)")
    p.add_argument("--more", type=int, default=0, help="run this many more trials instead")
    p.add_argument("--storage", default="sqlite:///runs/demo.db")
    p.add_argument("--name", default="breast-cancer")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("hyperhop.samplers").setLevel(logging.INFO)
    if args.storage.startswith("sqlite:///") and not args.storage.startswith("sqlite:////"):
        os.makedirs(os.path.dirname(args.storage[len("sqlite:///") :]) or ".", exist_ok=True)

    study = hh.Study(SPACE, direction="max", storage=args.storage, name=args.name, seed=args.seed)
    before = len(study.trials)
    if before:
        print(f"Resumed study {study.name!r}: {before} trials already in {study.storage.url}")
    if args.more:
        study.optimize(objective, n_trials=args.more, n_trials_mode="increment")
    else:
        study.optimize(objective, n_trials=args.trials)

    trials = study.trials
    done = [t for t in trials if t.state is hh.TrialState.COMPLETE]
    done.sort(key=lambda t: (-(t.value or 0.0), t.number))
    rows = [
        [t.number, f"{t.value:.4f}", describe(t.config), f"{t.duration or 0:.2f}"] for t in done[:8]
    ]
    print(
        f"\nStudy {study.name!r}: {len(trials)} trials ({len(trials) - before} new), storage {study.storage.url}"
    )
    print(format_table(rows, ["#", "accuracy", "configuration", "seconds"]))
    print(f"\nBest: {describe(study.best.config)} with accuracy {study.best.value:.4f}")
    if before and len(trials) == before:
        print(
            f"Nothing new ran: the study already has the {args.trials} trials asked for "
            "(--trials is the total). To add twenty more:\n"
            f'    make demo ARGS="--more 20"      (or: {_here(sys.executable)} '
            f"{_here(os.path.abspath(__file__))} --more 20)"
        )
    cli = hyperhop_command()
    storage, name = shlex.quote(args.storage), shlex.quote(args.name)
    print(f"\nResults are in {study.storage.url}. To look at them:")
    print(f"    {cli} show --storage {storage} --study {name}")
    if cli != "hyperhop" and "-m" not in cli:
        activate = os.path.join(os.path.dirname(cli), "activate")
        print(f"    (or run 'source {activate}' once, then 'hyperhop show ...')")
    return 0


if __name__ == "__main__":
    sys.exit(main())
