"""The dashboard's HTTP server: data, read-only, localhost by default, token when remote."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest

from tests.conftest import require_module
from tests.dashboard.conftest import HOSTILE


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_studies_api_lists_counts_and_best(server: Any) -> None:
    status, headers, body = _get(server.url + "api/studies")
    data = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    demo = next(s for s in data["studies"] if s["name"] == "demo")
    assert demo["n_trials"] == sum(demo["counts"].values()) and demo["counts"]["COMPLETE"] > 0
    assert any(s["name"] == HOSTILE for s in data["studies"])


def test_pages_escape_user_strings_and_forbid_inline_scripts(server: Any) -> None:
    hostile = next(
        s["id"]
        for s in json.loads(_get(server.url + "api/studies")[2])["studies"]
        if s["name"] == HOSTILE
    )
    status, headers, body = _get(server.url + f"study/{hostile}")
    assert status == 200
    assert HOSTILE.encode() not in body and b"&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_read_only(server: Any) -> None:
    req = urllib.request.Request(server.url + "api/studies", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 405


def test_unknown_things_are_404_with_a_reason(server: Any) -> None:
    status, _, body = _get(server.url + "api/study/999/summary")
    assert status == 404 and b"no study 999" in body
    assert _get(server.url + "nothing/here")[0] == 404
    assert _get(server.url + "static/..%2fserver.py")[0] == 404


def test_bad_query_is_a_400_naming_the_fix(server: Any) -> None:
    status, _, body = _get(server.url + "api/study/1/trials?sort=colour")
    assert status == 400 and b"param:<label>" in body
    assert _get(server.url + "api/study/1/trials?page=two")[0] == 400


def test_dns_rebinding_is_refused(server: Any) -> None:
    assert _get(server.url, {"Host": "attacker.example:8080"})[0] == 403


def test_trials_csv_downloads_every_trial(server: Any) -> None:
    status, headers, body = _get(server.url + "study/1/trials.csv")
    summary = json.loads(_get(server.url + "api/study/1/summary")[2])
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    assert len(body.decode().splitlines()) == 1 + summary["n_trials"]


def test_updates_return_only_what_changed(server: Any) -> None:
    first = json.loads(_get(server.url + "api/study/1/updates?since=0")[2])
    assert len(first["changed"]) == first["summary"]["n_trials"]
    again = json.loads(_get(server.url + f"api/study/1/updates?since={first['seq']}")[2])
    assert again["changed"] == [] and again["seq"] == first["seq"]


def test_plotly_is_served_from_the_installed_package(server: Any) -> None:
    status, headers, body = _get(server.url + "static/plotly.min.js")
    assert (
        status == 200
        and len(body) > 1_000_000
        and headers["Content-Type"].startswith("text/javascript")
    )


def test_binding_beyond_localhost_needs_a_flag_and_a_token(db: str) -> None:
    require_module("plotly", "dashboard")
    from hyperhop.dashboard import make_server

    with pytest.raises(ValueError, match="allow_remote"):
        make_server(db, host="0.0.0.0", port=0)
    with pytest.raises(ValueError, match="16 characters"):
        make_server(db, port=0, token="short")
    srv = make_server(db, port=0, token="t" * 20)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        base = srv.url.split("?")[0]
        assert _get(base + "api/studies")[0] == 401
        assert _get(base + "api/studies?token=" + "x" * 20)[0] == 401
        status, headers, _ = _get(base + "?token=" + "t" * 20)
        assert status == 200 and "HttpOnly" in headers["Set-Cookie"]
        cookie = headers["Set-Cookie"].split(";")[0]
        assert _get(base + "api/studies", {"Cookie": cookie})[0] == 200
    finally:
        srv.shutdown()
        srv.server_close()


def test_command_line_serves_and_refuses_to_expose_without_the_flag(db: str) -> None:
    import os
    import subprocess
    import sys

    require_module("plotly", "dashboard")
    cmd = [sys.executable, "-m", "hyperhop.cli", "dashboard", "--storage", db]
    refused = subprocess.run(
        [*cmd, "--host", "0.0.0.0"], capture_output=True, text=True, timeout=60, env=os.environ
    )
    assert refused.returncode == 1 and "--allow-remote" in refused.stderr
    proc = subprocess.Popen([*cmd, "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split(" on ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        status, _, body = _get(url + "api/studies")
        assert status == 200 and b'"demo"' in body
    finally:
        proc.terminate()
        proc.wait(10)


def test_studies_listing_does_not_wait_for_a_study_being_read(db: str) -> None:
    import time

    from hyperhop.dashboard.server import Dashboard

    dash = Dashboard(db)
    deadline = time.monotonic() + 20
    while not all(s["best"] is not None for s in dash.studies()["studies"]):
        assert time.monotonic() < deadline, "the views were never loaded in the background"
        time.sleep(0.05)
    best = {s["id"]: s["best"] for s in dash.studies()["studies"]}
    view = dash.view(next(iter(best)))
    held, release = threading.Event(), threading.Event()

    def hold() -> None:  # another thread in the middle of reading the study
        with view._lock:
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait(5)
    try:
        t0 = time.monotonic()
        rows = dash.studies()["studies"]
        assert time.monotonic() - t0 < 2  # it would wait the 10 s the lock is held
        assert {s["id"]: s["best"] for s in rows} == best  # the last summary stands in
        assert dash.info(view.info.id).name == view.info.name  # what a page's HTML needs
        assert time.monotonic() - t0 < 2
    finally:
        release.set()
        worker.join()
        dash.storage.close()
