"""Run functions importable by worker processes."""

from __future__ import annotations


def square(job):
    return -(job["x"] ** 2)


def with_metadata(job):
    return {"objective": job["x"], "metadata": {"loss": 1.0 - job["x"], "note": "ok"}}


def staircase(job):
    for budget in range(1, 10):
        job.record(budget, job["x"] * budget)
        if job.stopped():
            break
    return job.objective
