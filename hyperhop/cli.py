"""The command line: look at, export and delete studies in any storage, and run workers.

hyperhop studies --storage sqlite:///runs.db
hyperhop show    --storage sqlite:///runs.db --study exp1 [--top 10]
hyperhop export  --storage sqlite:///runs.db --study exp1 --format csv --output exp1.csv
hyperhop delete  --storage sqlite:///runs.db --study exp1 --yes
hyperhop report  --storage sqlite:///runs.db --study exp1 -o report.html
hyperhop worker  --storage postgresql://db/hh --study exp1 --objective train:objective --n-trials 500
                 [--pruner sha:reduction_factor=3] [--fidelity epochs:1:81]
hyperhop dashboard --storage sqlite:///runs.db [--host 127.0.0.1] [--port 8080]
"""

from __future__ import annotations

import argparse
import logging
import sys
import zlib
from collections.abc import Sequence
from typing import Any, TextIO

from hyperhop import __version__
from hyperhop.exceptions import HyperhopError
from hyperhop.pruning import make_pruner
from hyperhop.pruning.serialize import (
    CUSTOM,
    parse_fidelity,
    parse_pruner,
    pruner_from_dict,
    read_record,
)
from hyperhop.space.serialize import space_for_reading
from hyperhop.storage import Storage, get_storage
from hyperhop.study.trials import TrialList
from hyperhop.trial import Trial, TrialState

log = logging.getLogger("hyperhop.cli")


def _fmt(v: Any, width: int = 12) -> str:
    if isinstance(v, float):
        text = f"{v:.6g}"
    else:
        text = str(v)
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain-text table with aligned columns."""
    cells = [[str(h) for h in header]] + [[_fmt(c, 40) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def best_trials(trials: Sequence[Trial], direction: str, top: int) -> list[Trial]:
    """The ``top`` completed trials, best first (single objective)."""
    done = [t for t in trials if t.state is TrialState.COMPLETE and t.values]
    done.sort(key=lambda t: (t.values[0] if direction == "min" else -t.values[0], t.number))  # type: ignore[index]
    return done[:top]


def _trials(store: Storage, name: str) -> tuple[Any, TrialList]:
    """The study and its trials, which show their parameters as values (``trial.params``)."""
    info = store.get_study(name)
    trials, _ = store.get_trials(info.id)
    space = space_for_reading(info.space)
    return info, TrialList((t.attach(space) for t in trials), space=space)


def cmd_studies(store: Storage, args: argparse.Namespace, out: TextIO) -> int:
    rows = []
    for s in store.list_studies():
        c = s.counts
        rows.append(
            [
                s.info.name,
                ",".join(s.info.directions),
                s.n_trials,
                c.get("COMPLETE", 0),
                c.get("PRUNED", 0),
                c.get("FAILED", 0),
                c.get("RUNNING", 0),
                c.get("QUEUED", 0),
            ]
        )
    if not rows:
        print(f"No studies in {store.url}.", file=out)
        return 0
    print(
        format_table(
            rows,
            ["study", "directions", "trials", "complete", "pruned", "failed", "running", "queued"],
        ),
        file=out,
    )
    return 0


def cmd_show(store: Storage, args: argparse.Namespace, out: TextIO) -> int:
    info, trials = _trials(store, args.study)
    counts: dict[str, int] = {}
    for t in trials:
        counts[t.state.name] = counts.get(t.state.name, 0) + 1
    print(f"Study {info.name!r} ({', '.join(info.directions)}) in {store.url}", file=out)
    print(
        "Trials: " + (", ".join(f"{n} {k.lower()}" for k, n in sorted(counts.items())) or "none"),
        file=out,
    )
    pruning = _pruning_line(info.space)
    if pruning:
        print(pruning, file=out)
    if len(info.directions) != 1:
        return 0
    best = best_trials(trials, info.directions[0], args.top)
    if not best:
        print("No completed trial yet.", file=out)
        _print_failures(trials, out)
        return 0
    labels = sorted({k for t in best for k in t.params})
    rows = [
        [t.number, t.value, *(t.params.get(k, "") for k in labels), _fmt(t.duration or 0.0)]
        for t in best
    ]
    print(f"Best {len(best)} trial(s):", file=out)
    print(format_table(rows, ["#", "value", *labels, "seconds"]), file=out)
    return 0


def _print_failures(trials: Sequence[Trial], out: TextIO, top: int = 5) -> None:
    """Why the failed trials failed (the commonest reasons first) and the last traceback."""
    failed = [t for t in trials if t.state is TrialState.FAILED and t.error is not None]
    if not failed:
        return
    reasons: dict[str, list[int]] = {}
    for t in failed:
        reasons.setdefault(str(t.error), []).append(t.number)
    print(f"{len(failed)} trial(s) failed; the reasons, commonest first:", file=out)
    ranked = sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[1][0]))
    for reason, numbers in ranked[:top]:
        shown = ", ".join(f"#{n}" for n in numbers[:5]) + (", ..." if len(numbers) > 5 else "")
        print(f"  {len(numbers)} x {reason}  (trials {shown})", file=out)
    if len(ranked) > top:
        print(f"  ... and {len(ranked) - top} other reason(s)", file=out)
    last = next((t for t in reversed(failed) if t.error and t.error.traceback), None)
    if last is not None and last.error is not None and last.error.traceback:
        print(f"Traceback of the last failed trial (#{last.number}):", file=out)
        print(last.error.traceback.rstrip(), file=out)


def _pruning_line(definition: Any) -> str | None:
    """``Pruner: ...`` for a study stored with a pruner or a fidelity (None otherwise)."""
    record = definition.get("pruning") if isinstance(definition, dict) else None
    try:
        described, fidelity = read_record(record)
    except ValueError as e:
        return f"Pruning: unreadable ({e})"
    if described is None and fidelity is None:
        return None
    if described is not None and described.get("name") == CUSTOM:
        pruner = f"{described.get('repr')} (code: not rebuilt from storage)"
    else:
        try:
            given = None if described is None else pruner_from_dict(described)
            pruner = repr(make_pruner(given, fidelity))
        except ValueError as e:
            pruner = f"unreadable ({e})"
    if fidelity is None:
        return f"Pruner: {pruner}"
    return f"Pruner: {pruner}; fidelity {fidelity.name} from {fidelity.min} to {fidelity.max}"


def cmd_export(store: Storage, args: argparse.Namespace, out: TextIO) -> int:
    _, trials = _trials(store, args.study)
    to_stdout = args.output == "-"
    if args.format == "csv":
        trials.to_csv(out if to_stdout else args.output)
    else:
        text = trials.to_json(None if to_stdout else args.output)
        if to_stdout:
            out.write(text + "\n")
    if not to_stdout:
        print(f"Wrote {len(trials)} trials to {args.output}", file=out)
    return 0


def cmd_delete(store: Storage, args: argparse.Namespace, out: TextIO) -> int:
    info = store.get_study(args.study)
    if not args.yes:
        print(f"Refusing to delete {info.name!r} without --yes.", file=sys.stderr)
        return 2
    from hyperhop.artifacts import delete_study

    delete_study(store, info.name, args.artifacts)
    print(f"Deleted study {info.name!r} (with its artifacts) from {store.url}.", file=out)
    return 0


def cmd_report(store: Storage, args: argparse.Namespace, out: TextIO) -> int:
    from hyperhop._studydata import stored_study_data
    from hyperhop.report import write_report

    data = stored_study_data(store, args.study)
    ref = [float(x) for x in args.reference_point.split(",")] if args.reference_point else None
    write_report(data, args.output, top=args.top, reference_point=ref)
    print(f"Wrote the report of study {args.study!r} to {args.output}", file=out)
    return 0


def cmd_worker(store: Storage, args: argparse.Namespace, out: TextIO) -> int:
    """Evaluate trials of a study until its total budget is met (by all its workers)."""
    import hyperhop as hh
    from hyperhop.execution.external import load_object

    if args.n_trials is None and args.runtime is None:
        raise ValueError(
            "hyperhop worker needs a budget: --n-trials (the study's total), --runtime, or both."
        )
    objective = load_object(args.objective)
    space = load_object(args.space) if args.space else None
    study = hh.load_study(
        store,
        args.study,
        space,
        algo=args.algo,
        seed=args.seed,
        pruner=parse_pruner(args.pruner) if args.pruner else None,
        fidelity=parse_fidelity(args.fidelity) if args.fidelity else None,
        max_retries=args.max_retries,
        artifacts=args.artifacts,
    )
    if args.seed is not None:  # workers given one seed must not draw the same configurations
        study.sampler.stream = zlib.crc32(study.owner.encode()) or 1
    log.info("worker %s: pruner %r, fidelity %r", study.owner, study.pruner, study.fidelity)
    study.optimize(
        objective,
        n_trials=args.n_trials,
        runtime=args.runtime,
        n_trials_mode="total",
        n_jobs=args.n_jobs,
        executor=args.executor,
        trial_timeout=args.trial_timeout,
        progress=args.progress,
    )
    trials = study.trials
    done = sum(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in trials)
    mine = sum(t.owner == study.owner for t in trials)
    print(
        f"Worker {study.owner} finished: it ran {mine} trials; study {study.name!r} has {done} "
        "completed or pruned.",
        file=out,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hyperhop", description="Look at, export and delete hyperhop studies."
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    p.add_argument("--version", action="version", version=f"hyperhop {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str, study: bool = True) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("--storage", required=True, help="storage URL, e.g. sqlite:///runs.db")
        if study:
            sp.add_argument("--study", required=True, help="the study's name")
        return sp

    add("studies", "list the studies in a storage", study=False)
    show = add("show", "summary and best trials of a study")
    show.add_argument(
        "--top", type=int, default=10, help="how many best trials to list (default 10)"
    )
    exp = add("export", "write a study's trials as CSV or JSON")
    exp.add_argument("--format", choices=("csv", "json"), default="csv")
    exp.add_argument("--output", "-o", default="-", help="file to write ('-' for standard output)")
    dele = add("delete", "delete a study and its trials")
    dele.add_argument("--yes", action="store_true", help="really delete")
    rep = add("report", "write one self-contained HTML report of a study (needs hyperhop[plot])")
    rep.add_argument("--output", "-o", default="report.html", help="the HTML file to write")
    rep.add_argument("--top", type=int, default=10, help="how many best trials to list")
    rep.add_argument(
        "--reference-point", help="for the hypervolume of a multi-objective study, e.g. '1.1,11'"
    )
    artifacts_help = "the study's artifact store (default: the one recorded with the study, or beside a SQLite/journal file)"
    dele.add_argument("--artifacts", metavar="DIR", help=artifacts_help)
    work = add("worker", "evaluate a study's trials, beside any number of other workers")
    work.add_argument("--objective", required=True, help="the objective, as module:function")
    work.add_argument(
        "--space", help="the space, as module:ATTR (default: rebuilt from the stored study)"
    )
    work.add_argument(
        "--n-trials", type=int, help="the study's total: stop once it has this many (all workers)"
    )
    work.add_argument("--runtime", help="stop launching trials after this long, e.g. '2h 30min'")
    work.add_argument("--algo", default="auto", help="the sampler (default auto)")
    work.add_argument("--seed", type=int, help="the sampler's seed")
    work.add_argument("--n-jobs", default="1", help="trials at once in this worker (default 1)")
    work.add_argument("--executor", help="thread, process, ray, dask... (default: threads)")
    work.add_argument("--trial-timeout", type=float, help="seconds (implies processes)")
    work.add_argument(
        "--max-retries",
        type=int,
        default=0,
        help="queue the configuration of a trial whose worker died again, this many times",
    )
    work.add_argument(
        "--pruner",
        metavar="NAME[:KEY=VALUE,...]",
        help="stop trials early with this pruner instead of the one stored with the study: "
        "a name (none, median, percentile, top_k, quantile, patience, sha, hyperband, lce), "
        "optionally with arguments, e.g. 'sha:min_resource=1,reduction_factor=3' or "
        "'median:n_startup_trials=5'; 'sha+lce' stops when either would. "
        "Default: the study's own pruner, so that all workers prune alike",
    )
    work.add_argument(
        "--fidelity",
        metavar="NAME:MIN:MAX",
        help="the budget the pruner allocates, e.g. 'epochs:1:81' (the objective gets "
        "config[NAME] = MAX and yields one value per unit). Default: the study's own",
    )
    work.add_argument("--progress", action="store_true", help="show a progress bar")
    work.add_argument("--artifacts", metavar="DIR", help=artifacts_help)
    dash = add("dashboard", "serve a live, read-only web dashboard of a storage", study=False)
    dash.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    dash.add_argument("--port", type=int, default=8080, help="port (default 8080; 0 picks one)")
    dash.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than localhost; every request then needs the token",
    )
    dash.add_argument("--token", help="the token remote browsers must give (default: generated)")
    return p


def cmd_dashboard(store: Storage, args: argparse.Namespace, out: TextIO) -> int:
    from hyperhop.dashboard import serve

    serve(store, args.host, args.port, allow_remote=args.allow_remote, token=args.token)
    return 0


COMMANDS = {
    "dashboard": cmd_dashboard,
    "studies": cmd_studies,
    "show": cmd_show,
    "export": cmd_export,
    "delete": cmd_delete,
    "worker": cmd_worker,
    "report": cmd_report,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Entry point of the ``hyperhop`` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s"
    )
    stream = out if out is not None else sys.stdout
    try:
        store = get_storage(args.storage)
        try:
            return COMMANDS[args.command](store, args, stream)
        finally:
            store.close()
    except (HyperhopError, ValueError, KeyError) as e:
        print(f"hyperhop {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
