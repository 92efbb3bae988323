"""The dashboard's HTTP server: read-only, on the standard library, localhost by default.

Routes (all GET; anything else is refused):

- pages: ``/``, ``/study/<id>``, ``/study/<id>/trials``, ``/study/<id>/trial/<n>``;
- data (JSON): ``/api/studies``, ``/api/study/<id>/summary``, ``/api/study/<id>/updates?since=SEQ``,
  ``/api/study/<id>/series``, ``/api/study/<id>/trials?sort=&desc=&state=&range=&page=&size=&jump=``,
  ``/api/study/<id>/trial/<n>``; ``/study/<id>/trials.csv``;
- ``/static/...``: the page script and style, and plotly.js from the installed ``plotly``
  package (so the dashboard works offline).

Safety: bound to 127.0.0.1 unless ``allow_remote``; then every request needs the token
(``?token=`` once, kept in an HttpOnly cookie). On localhost the Host header must name
localhost, which stops DNS-rebinding pages from reading the data. A Content-Security-Policy
lets only the dashboard's own scripts run.
"""

from __future__ import annotations

import hmac
import http.server
import ipaddress
import json
import logging
import re
import secrets
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from hyperhop.dashboard import pages
from hyperhop.dashboard.data import StudyView
from hyperhop.exceptions import StudyNotFoundError
from hyperhop.storage import Storage, get_storage
from hyperhop.storage.base import StudyInfo, StudySummary

log = logging.getLogger("hyperhop.dashboard")

STATIC = Path(__file__).with_name("static")

LISTING_TTL = 1.0
"""Seconds the list of studies is reused; a new study shows on the studies page after this."""
# Only the dashboard's own script files run (no inline script, so an unescaped string could
# not run either); 'unsafe-eval' because plotly's WebGL charts (parallel coordinates) compile
# their shaders' drivers with the Function constructor.
_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
_ROUTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"/"), "studies_page"),
    (re.compile(r"/study/(\d+)"), "study_page"),
    (re.compile(r"/study/(\d+)/trials"), "trials_page"),
    (re.compile(r"/study/(\d+)/trial/(\d+)"), "trial_page"),
    (re.compile(r"/study/(\d+)/trials\.csv"), "trials_csv"),
    (re.compile(r"/api/studies"), "api_studies"),
    (re.compile(r"/api/study/(\d+)/summary"), "api_summary"),
    (re.compile(r"/api/study/(\d+)/updates"), "api_updates"),
    (re.compile(r"/api/study/(\d+)/series"), "api_series"),
    (re.compile(r"/api/study/(\d+)/trials"), "api_trials"),
    (re.compile(r"/api/study/(\d+)/trial/(\d+)"), "api_trial"),
    (re.compile(r"/static/([a-z.]+)"), "static"),
]


class HTTPError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Dashboard:
    """The dashboard's state: one storage, and a :class:`StudyView` per study opened."""

    def __init__(self, storage: Any) -> None:
        self.storage: Storage = get_storage(storage)
        self._views: dict[int, StudyView] = {}
        self._loading: set[int] = set()
        self._listed: tuple[float, list[StudySummary]] | None = None
        self._lock = threading.Lock()

    def view(self, study_id: int) -> StudyView:
        with self._lock:
            v = self._views.get(study_id)
            if v is None:
                v = self._views[study_id] = StudyView(self.storage, self.info(study_id))
        v.refresh()
        return v

    def info(self, study_id: int) -> StudyInfo:
        """The study's name and space, without waiting for its trials to be read (a page's
        HTML needs only these; its data comes from the API)."""
        v = self._views.get(study_id)
        if v is not None:
            return v.info
        try:
            return self.storage.get_study_by_id(study_id)
        except StudyNotFoundError as e:
            raise HTTPError(404, f"There is no study {study_id} in this storage.") from e

    def preload(self) -> None:
        """Read every study once (run in the background when the server starts, so the
        first page of a large study does not wait for its first full read)."""
        try:
            for s in self.storage.list_studies():
                self.view(s.info.id)
        except Exception:
            log.warning("The dashboard could not read the storage ahead", exc_info=True)

    def _listing(self) -> list[StudySummary]:
        """The storage's list of studies, asked at most once per ``LISTING_TTL`` seconds
        (its counts are a scan of every trial; the views keep their own counts current)."""
        with self._lock:
            now = time.monotonic()
            if self._listed is None or now - self._listed[0] > LISTING_TTL:
                self._listed = (now, self.storage.list_studies())
            return self._listed[1]

    def _load_later(self, study_id: int) -> None:
        with self._lock:
            if study_id in self._loading:
                return
            self._loading.add(study_id)
        threading.Thread(target=self._load, args=(study_id,), daemon=True).start()

    def _load(self, study_id: int) -> None:
        try:
            self.view(study_id)
        except Exception:  # deleted meanwhile, or the storage failed: the next poll says
            log.debug("The dashboard could not read study %s", study_id, exc_info=True)

    def studies(self) -> dict[str, Any]:
        """Every study with its counts; best value and last activity where its view is
        ready. A study still being read (a large one, just after start) is not waited
        for: its row fills in on a later poll."""
        rows = []
        for s in self._listing():
            v = self._views.get(s.info.id)
            summary = v.summary_now() if v is not None else None
            if v is None:
                self._load_later(s.info.id)
            best = summary["best"] if summary else []
            counts = summary["counts"] if summary else s.counts
            rows.append(
                {
                    "id": s.info.id,
                    "name": s.info.name,
                    "directions": list(s.info.directions),
                    "n_trials": sum(counts.values()),
                    "counts": {k: n for k, n in counts.items() if n},
                    "best": best[0]["values"] if best else None,
                    "last_activity": summary["last_activity"] if summary else None,
                }
            )
        return {"storage": self.storage.url, "studies": rows}


class Handler(http.server.BaseHTTPRequestHandler):
    server: DashboardServer
    server_version = "hyperhop-dashboard"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    # -- answering -----------------------------------------------------------------------
    def _send(
        self, status: int, body: bytes, ctype: str, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", _CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, data: Any) -> None:
        self._send(200, encode(data), "application/json", {"Cache-Control": "no-store"})

    def _html(self, text: str, extra: dict[str, str] | None = None) -> None:
        self._send(200, text.encode(), "text/html; charset=utf-8", extra)

    def _refuse(self) -> None:
        self._send(405, b"The dashboard is read-only.", "text/plain", {"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        try:
            self._authorize(query)
            for pattern, name in _ROUTES:
                m = pattern.fullmatch(url.path)
                if m:
                    getattr(self, name)(*m.groups(), query=query)
                    break
            else:
                raise HTTPError(404, f"No page at {url.path}.")
        except HTTPError as e:
            if url.path.startswith("/api/"):
                body = json.dumps({"error": str(e)}).encode()
                self._send(e.status, body, "application/json")
            else:
                self._send(e.status, pages.not_found(str(e)).encode(), "text/html; charset=utf-8")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _authorize(self, query: dict[str, list[str]]) -> None:
        srv = self.server
        if srv.local_only:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            if not is_loopback(host):
                raise HTTPError(403, "This dashboard answers requests for localhost only.")
        if srv.token is None:
            return
        given = query.get("token", [None])[0]
        if given is None:
            for part in (self.headers.get("Cookie") or "").split(";"):
                k, _, v = part.strip().partition("=")
                if k == "hyperhop_token":
                    given = v
        if given is None or not hmac.compare_digest(given.encode(), srv.token.encode()):
            raise HTTPError(401, "This dashboard needs its token: open the URL it printed.")
        self._cookie = f"hyperhop_token={srv.token}; HttpOnly; SameSite=Strict; Path=/"

    # -- pages ---------------------------------------------------------------------------
    def _page(self, text: str) -> None:
        cookie = getattr(self, "_cookie", None)
        self._html(text, {"Set-Cookie": cookie} if cookie else None)

    def studies_page(self, *, query: Any) -> None:
        self._page(pages.studies_page())

    def study_page(self, sid: str, *, query: Any) -> None:
        info = self.server.dashboard.info(int(sid))
        self._page(pages.study_page(info.id, info.name))

    def trials_page(self, sid: str, *, query: Any) -> None:
        info = self.server.dashboard.info(int(sid))
        self._page(pages.trials_page(info.id, info.name))

    def trial_page(self, sid: str, number: str, *, query: Any) -> None:
        v = self.server.dashboard.view(int(sid))
        if int(number) not in v.trials:
            raise HTTPError(404, f"Study {v.info.name!r} has no trial {number}.")
        self._page(pages.trial_page(v.info.id, v.info.name, int(number)))

    def trials_csv(self, sid: str, *, query: Any) -> None:
        v = self.server.dashboard.view(int(sid))
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", v.info.name)[:80] or "study"
        self._send(
            200,
            v.csv().encode(),
            "text/csv; charset=utf-8",
            {"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    def static(self, name: str, *, query: Any) -> None:
        if name == "plotly.min.js":
            path = plotly_js()
        else:
            path = STATIC / name
            if path.parent != STATIC or not path.is_file():
                raise HTTPError(404, f"No file {name}.")
        ctype = "text/css" if name.endswith(".css") else "text/javascript"
        self._send(
            200, path.read_bytes(), f"{ctype}; charset=utf-8", {"Cache-Control": "max-age=3600"}
        )

    # -- data ----------------------------------------------------------------------------
    def api_studies(self, *, query: Any) -> None:
        self._json(self.server.dashboard.studies())

    def api_summary(self, sid: str, *, query: Any) -> None:
        self._json(self.server.dashboard.view(int(sid)).summary())

    def api_updates(self, sid: str, *, query: Any) -> None:
        v = self.server.dashboard.view(int(sid))
        since = _int(query, "since", 0)
        changed = v.changed_since(since) if since < v.seq else []
        self._json({"seq": v.seq, "changed": [v.row(t) for t in changed], "summary": v.summary()})

    def api_series(self, sid: str, *, query: Any) -> None:
        v = self.server.dashboard.view(int(sid))
        body = v.cached("series.json", lambda: encode(v.series()))
        self._send(200, body, "application/json", {"Cache-Control": "no-store"})

    def api_trials(self, sid: str, *, query: Any) -> None:
        v = self.server.dashboard.view(int(sid))
        size = _int(query, "size", 50)
        page = _int(query, "page", 0)
        jump = query.get("jump", [""])[0]
        if jump.strip().lstrip("-").isdigit():
            page = v.page_of(int(jump), size)
        ranges: dict[str, tuple[float | None, float | None]] = {}
        for spec in query.get("range", []):
            key, _, bounds = spec.rpartition(":")
            low_s, _, high_s = bounds.partition(",")
            if key:
                ranges[key] = (_float(low_s), _float(high_s))
        try:
            data = v.table(
                sort=query.get("sort", ["number"])[0],
                descending=query.get("desc", ["0"])[0] in ("1", "true"),
                states=[s for s in query.get("state", []) if s],
                ranges=ranges,
                page=page,
                size=size,
            )
        except ValueError as e:
            raise HTTPError(400, str(e)) from e
        self._json(data)

    def api_trial(self, sid: str, number: str, *, query: Any) -> None:
        v = self.server.dashboard.view(int(sid))
        try:
            self._json(v.trial(int(number)))
        except KeyError as e:
            raise HTTPError(404, f"Study {v.info.name!r} has no trial {number}.") from e


def encode(data: Any) -> bytes:
    """Compact JSON (non-finite floats were made strings by :func:`jsonable`)."""
    return json.dumps(data, allow_nan=False, separators=(",", ":")).encode()


def _int(query: dict[str, list[str]], key: str, default: int) -> int:
    raw = query.get(key, [""])[0]
    try:
        return int(raw)
    except ValueError:
        if raw:
            raise HTTPError(400, f"'{key}' must be an integer. Got {raw!r} instead.") from None
        return default


def _float(raw: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError:
        raise HTTPError(400, f"A range bound must be a number. Got {raw!r} instead.") from None


def plotly_js() -> Path:
    """plotly.js, as shipped inside the ``plotly`` Python package."""
    from hyperhop._lazy import require

    plotly = require("plotly", "dashboard", "The dashboard's charts")
    path = Path(str(plotly.__file__)).with_name("package_data") / "plotly.min.js"
    if not path.is_file():  # pragma: no cover - a broken plotly install
        raise HTTPError(500, f"plotly.js is missing from the plotly package ({path}).")
    return path


class DashboardServer(http.server.ThreadingHTTPServer):
    """A threaded HTTP server over one :class:`Dashboard` (made by :func:`make_server`).

    Example:
        >>> import json, threading, urllib.request
        >>> from hyperhop.dashboard import make_server
        >>> srv = make_server("memory://", port=0)
        >>> threading.Thread(target=srv.serve_forever, daemon=True).start()
        >>> json.load(urllib.request.urlopen(srv.url + "api/studies"))["studies"]
        []
        >>> srv.shutdown(); srv.server_close()
    """

    daemon_threads = True

    def __init__(
        self, dashboard: Dashboard, host: str, port: int, token: str | None, local_only: bool
    ) -> None:
        self.dashboard = dashboard
        self.token = token
        self.local_only = local_only
        super().__init__((host, port), Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        base = f"http://{shown}:{port}/"
        return base + (f"?token={self.token}" if self.token else "")


def make_server(
    storage: Any,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    allow_remote: bool = False,
    token: str | None = None,
) -> DashboardServer:
    """A dashboard server over ``storage``, not yet serving (call ``serve_forever``).

    Binding to anything but a loopback address needs ``allow_remote=True`` and then a
    token (one is generated when none is given; it is part of ``server.url``).

    Example:
        >>> srv = make_server("memory://", port=0)
        >>> srv.url.startswith("http://127.0.0.1:")
        True
        >>> srv.server_close()
    """
    local = is_loopback(host)
    if not local and not allow_remote:
        raise ValueError(
            f"The dashboard binds to localhost unless told otherwise; {host!r} would expose "
            "it. Pass allow_remote=True (--allow-remote), which also requires a token."
        )
    if not local and token is None:
        token = secrets.token_urlsafe(24)
    if token is not None and len(token) < 16:
        raise ValueError("A dashboard token must have at least 16 characters.")
    plotly_js()  # fail now, naming the extra, rather than on the first page
    dashboard = Dashboard(storage)
    srv = DashboardServer(dashboard, host, port, token, local_only=local)
    threading.Thread(
        target=dashboard.preload, name="hyperhop-dashboard-preload", daemon=True
    ).start()
    return srv


def serve(
    storage: Any,
    host: str = "127.0.0.1",
    port: int = 8080,
    *,
    allow_remote: bool = False,
    token: str | None = None,
) -> None:
    """Serve the dashboard until Ctrl+C (``hyperhop dashboard`` calls this).

    Example:
        >>> from hyperhop.dashboard import serve
        >>> serve("sqlite:///runs.db", port=8080)  # doctest: +SKIP
        hyperhop dashboard on http://127.0.0.1:8080/ (Ctrl+C to stop)
    """
    srv = make_server(storage, host, port, allow_remote=allow_remote, token=token)
    print(f"hyperhop dashboard on {srv.url} (Ctrl+C to stop)", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()
        srv.dashboard.storage.close()
