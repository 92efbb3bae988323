"""The HTML shells of the dashboard's pages. Each names its data; the script fills it in.

Every user string that reaches a shell (a study's name) goes through :func:`html.escape`;
everything else arrives as JSON and is written into the page as text, never as markup.
"""

from __future__ import annotations

import html

_SHELL = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · hyperhop</title>
<link rel="stylesheet" href="/static/dashboard.css">
{head}</head>
<body data-page="{page}" data-study="{study}" data-trial="{trial}">
<header><a href="/" class="home">hyperhop</a>{crumbs}<span id="live" class="live">live</span></header>
<main>
{body}
</main>
<script src="/static/dashboard.js"></script>
</body>
</html>
"""

_PLOTLY = '<script src="/static/plotly.min.js"></script>\n'


def _page(
    page: str,
    title: str,
    body: str,
    *,
    study_id: int | None = None,
    study_name: str | None = None,
    trial: int | None = None,
    plots: bool = False,
) -> str:
    crumbs = ""
    if study_id is not None and study_name is not None:
        crumbs = (
            f' / <a id="crumb-study" href="/study/{study_id}">{html.escape(study_name)}</a>'
            f' / <a href="/study/{study_id}/trials">trials</a>'
        )
    return _SHELL.format(
        title=html.escape(title),
        head=_PLOTLY if plots else "",
        page=page,
        study="" if study_id is None else study_id,
        trial="" if trial is None else trial,
        crumbs=crumbs,
        body=body,
    )


def studies_page() -> str:
    body = """<h1>Studies</h1>
<p id="storage" class="muted"></p>
<table id="studies" class="grid">
<thead><tr><th>study</th><th>directions</th><th>trials</th><th>complete</th><th>pruned</th>
<th>failed</th><th>running</th><th>best</th><th>last activity</th></tr></thead>
<tbody></tbody></table>"""
    return _page("studies", "Studies", body)


def study_page(study_id: int, name: str) -> str:
    body = f"""<h1 id="study-name">{html.escape(name)}</h1>
<section id="summary" class="cards"></section>
<section><h2>Best trials</h2>
<table id="best" class="grid"><thead></thead><tbody></tbody></table></section>
<section class="controls">
<span>Show states:</span>
<label><input type="checkbox" class="state-filter" value="COMPLETE" checked> complete</label>
<label><input type="checkbox" class="state-filter" value="PRUNED" checked> pruned</label>
<label><input type="checkbox" class="state-filter" value="FAILED" checked> failed</label>
<span id="thinning" class="muted"></span>
</section>
<section><h2>Optimization history</h2><div id="plot-history" class="plot"></div></section>
<section><h2>Parallel coordinates</h2>
<p class="muted">Drag along an axis to filter by a parameter's range.</p>
<div id="plot-parallel" class="plot"></div></section>
<section><h2>Value against each parameter</h2><div id="plot-slice" class="plot"></div></section>
<section><h2>Intermediate values</h2><div id="plot-curves" class="plot"></div></section>
<section><h2>Timeline</h2><div id="plot-timeline" class="plot"></div></section>"""
    return _page("study", name, body, study_id=study_id, study_name=name, plots=True)


def trials_page(study_id: int, name: str) -> str:
    body = f"""<h1>Trials of <span id="study-name">{html.escape(name)}</span></h1>
<section class="controls">
<label>State <select id="state"><option value="">any</option><option>COMPLETE</option>
<option>PRUNED</option><option>FAILED</option><option>RUNNING</option><option>QUEUED</option>
</select></label>
<label>Parameter <select id="range-key"><option value="">none</option>
<option value="value">value</option></select></label>
<label>from <input id="range-low" type="number" step="any" size="8"></label>
<label>to <input id="range-high" type="number" step="any" size="8"></label>
<label>Jump to trial <input id="jump" type="number" min="0" size="6"></label>
<a id="csv" href="/study/{study_id}/trials.csv" download>Download CSV</a>
</section>
<table id="trials" class="grid sortable"><thead></thead><tbody></tbody></table>
<nav class="pager"><button id="prev">previous</button> <span id="pageinfo"></span>
<button id="next">next</button></nav>"""
    return _page("trials", f"Trials of {name}", body, study_id=study_id, study_name=name)


def trial_page(study_id: int, name: str, number: int) -> str:
    body = f"""<h1>Trial {number} of <span id="study-name">{html.escape(name)}</span></h1>
<section id="trial-summary" class="cards"></section>
<section><h2>Configuration</h2><table id="trial-params" class="grid"><tbody></tbody></table></section>
<section><h2>Intermediate values</h2><div id="plot-trial-curve" class="plot small"></div></section>
<section><h2>User attributes</h2><table id="trial-attrs" class="grid"><tbody></tbody></table></section>
<section id="trial-error-section"><h2>Error</h2><pre id="trial-error"></pre></section>
<section><h2>Attachments</h2><ul id="trial-attachments"></ul></section>"""
    return _page(
        "trial",
        f"Trial {number} of {name}",
        body,
        study_id=study_id,
        study_name=name,
        trial=number,
        plots=True,
    )


def not_found(message: str) -> str:
    return _page("missing", "Not found", f"<h1>Not found</h1><p>{html.escape(message)}</p>")
