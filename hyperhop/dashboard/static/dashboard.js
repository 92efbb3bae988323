// hyperhop dashboard: fills the page from the JSON API and keeps it live by polling.
// Every user string is written as text (textContent), never as markup; strings handed to
// plotly (which reads a few tags in labels) are escaped first.
"use strict";
(function () {
  const body = document.body;
  const page = body.dataset.page;
  const study = body.dataset.study;
  const trialNo = body.dataset.trial;
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 1000;
  const COLORS = { COMPLETE: "#1f77b4", PRUNED: "#ff7f0e", FAILED: "#d62728", RUNNING: "#2ca02c", QUEUED: "#7f7f7f" };

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function link(href, text) {
    const a = el("a", text);
    a.href = href;
    return a;
  }
  function fmt(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") {
      if (Number.isInteger(v)) return String(v);
      const s = v.toPrecision(6);
      return s.indexOf("e") >= 0 ? s : s.replace(/\.?0+$/, "");
    }
    if (Array.isArray(v)) return v.map(fmt).join(", ");
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function esc(s) {
    return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  function num(v) {
    if (typeof v === "number") return v;
    if (v === "inf") return Infinity;
    if (v === "-inf") return -Infinity;
    return null;
  }
  // A positive number column spanning more than two decades is drawn on a log scale.
  function isLogScaled(col) {
    const xs = col.filter((v) => typeof v === "number");
    if (!xs.length || xs.some((v) => v <= 0)) return false;
    return Math.max(...xs) / Math.min(...xs) > 100;
  }
  function duration(s) {
    if (s === null || s === undefined) return "";
    if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + " s";
    if (s < 3600) return (s / 60).toFixed(1) + " min";
    return (s / 3600).toFixed(2) + " h";
  }
  async function get(url) {
    const r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
    if (!r.ok) {
      let msg = r.status + " " + r.statusText;
      try { msg = (await r.json()).error || msg; } catch (e) { /* not JSON */ }
      throw new Error(msg);
    }
    return r.json();
  }
  function setLive(ok, message) {
    const live = $("live");
    if (!live) return;
    live.textContent = ok ? "live · " + new Date().toLocaleTimeString() : "offline: " + message;
    live.className = ok ? "live" : "live offline";
  }
  function fillRows(tbody, rows) {
    tbody.replaceChildren(...rows.map((cells) => {
      const tr = el("tr");
      for (const c of cells) {
        const td = el("td");
        if (c instanceof Node) td.appendChild(c); else td.textContent = fmt(c);
        tr.appendChild(td);
      }
      return tr;
    }));
  }
  function header(thead, names, onClick) {
    const tr = el("tr");
    names.forEach((n, i) => {
      const th = el("th", n.label || n);
      if (onClick && n.key) {
        th.dataset.key = n.key;
        th.className = "clickable";
        th.addEventListener("click", () => onClick(n.key));
      }
      tr.appendChild(th);
      void i;
    });
    thead.replaceChildren(tr);
  }
  function poll(fn, ms) {
    let busy = false;
    const tick = async () => {
      if (busy) return;
      busy = true;
      try { await fn(); setLive(true); } catch (e) { setLive(false, e.message); }
      busy = false;
    };
    tick();
    return setInterval(tick, ms);
  }
  function plot(div, traces, layout) {
    if (!window.Plotly || !div) return;
    const base = { margin: { t: 20, r: 20, b: 40, l: 60 }, hovermode: "closest", showlegend: true };
    window.Plotly.react(div, traces, Object.assign(base, layout || {}), { displaylogo: false, responsive: true });
  }

  // -- the studies page ------------------------------------------------------------------
  async function studies() {
    const data = await get("/api/studies");
    $("storage").textContent = "Storage: " + data.storage;
    fillRows($("studies").tBodies[0], data.studies.map((s) => [
      link("/study/" + s.id, s.name), s.directions.join(", "), s.n_trials,
      s.counts.COMPLETE || 0, s.counts.PRUNED || 0, s.counts.FAILED || 0, s.counts.RUNNING || 0,
      s.best, s.last_activity || "",
    ]));
  }

  // -- the study page ----------------------------------------------------------------------
  let seq = -1;
  let series = null;
  let lastSeries = 0;
  let seriesTimer = null;
  function shownStates() {
    const boxes = document.querySelectorAll(".state-filter");
    const on = new Set();
    boxes.forEach((b) => { if (b.checked) on.add(b.value); });
    return on;
  }
  function summaryCards(div, s) {
    const best = s.best.length ? s.best[0] : null;
    const cards = [
      ["trials", s.n_trials],
      ["complete", s.counts.COMPLETE], ["pruned", s.counts.PRUNED], ["failed", s.counts.FAILED],
      ["running", s.counts.RUNNING],
      ["best value", best ? fmt(best.values) : "none yet"],
      ["last activity", s.last_activity || ""],
    ];
    div.replaceChildren(...cards.map(([k, v]) => {
      const c = el("div", null, "card");
      c.dataset.name = k;
      c.append(el("div", fmt(v), "card-value"), el("div", k, "card-label"));
      return c;
    }));
  }
  function bestTable(s) {
    const labels = s.labels;
    header($("best").tHead, ["#", "value", ...labels, "duration"]);
    fillRows($("best").tBodies[0], s.best.map((t) => [
      link("/study/" + study + "/trial/" + t.number, t.number), t.values,
      ...labels.map((k) => t.params[k]), duration(t.duration),
    ]));
  }
  function drawSeries() {
    if (!series) return;
    const on = shownStates();
    const h = series.history;
    $("thinning").textContent = series.shown < series.n
      ? "Charts show " + series.shown + " of " + series.n + " trials (every improvement, the best tenth and an even sample)."
      : "";
    const byState = {};
    h.number.forEach((n, i) => {
      const st = h.state[i];
      if (!on.has(st)) return;
      (byState[st] = byState[st] || { x: [], y: [], text: [] });
      byState[st].x.push(n);
      byState[st].y.push(num(h.value[i]));
      byState[st].text.push(esc(h.hover[i]).replace(/\n/g, "<br>"));
    });
    const traces = Object.keys(byState).map((st) => ({
      type: "scatter", mode: "markers", name: st.toLowerCase(), x: byState[st].x, y: byState[st].y,
      text: byState[st].text, hoverinfo: "text+y", marker: { color: COLORS[st], size: 6 },
    }));
    traces.push({ type: "scatter", mode: "lines", name: "best so far", line: { shape: "hv", color: "#111" },
      x: h.best_number, y: h.best_value.map(num), hoverinfo: "y" });
    plot($("plot-history"), traces, { xaxis: { title: { text: "trial" } }, yaxis: { title: { text: "value" } } });

    const p = series.params;
    const labels = Object.keys(p.columns);
    const dims = labels.map((k) => {
      const col = p.columns[k];
      const numeric = col.every((v) => v === null || typeof v === "number");
      if (numeric && isLogScaled(col)) return { label: "log10 " + esc(k), values: col.map((v) => (v === null ? NaN : Math.log10(v))) };
      if (numeric) return { label: esc(k), values: col.map((v) => (v === null ? NaN : v)) };
      const cats = Array.from(new Set(col.filter((v) => v !== null).map(fmt)));
      return { label: esc(k), values: col.map((v) => (v === null ? NaN : cats.indexOf(fmt(v)))),
        tickvals: cats.map((_, i) => i), ticktext: cats.map(esc) };
    });
    const values = p.value.map(num);
    dims.push({ label: "value", values: values });
    plot($("plot-parallel"), [{ type: "parcoords", dimensions: dims,
      line: { color: values, colorscale: "Viridis", showscale: true } }], { margin: { t: 40, r: 60, b: 20, l: 60 } });

    const slice = $("plot-slice");
    slice.replaceChildren();
    labels.slice(0, 12).forEach((k) => {
      const div = el("div", null, "plot small");
      slice.appendChild(div);
      const x = p.columns[k].map((v) => (v === null ? null : (typeof v === "number" ? v : fmt(v))));
      plot(div, [{ type: "scatter", mode: "markers", x: x, y: values, marker: { size: 5, color: p.number, colorscale: "Blues" },
        text: p.number.map((n) => "#" + n), hoverinfo: "text+x+y", name: esc(k) }],
      { showlegend: false, xaxis: { title: { text: esc(k) }, type: isLogScaled(p.columns[k]) ? "log" : "-" }, yaxis: { title: { text: "value" } } });
    });

    const curves = series.curves.filter((c) => on.has(c.state) || c.state === "RUNNING");
    plot($("plot-curves"), curves.map((c) => ({
      type: "scatter", mode: "lines", name: "#" + c.number, x: c.steps, y: c.values.map(num),
      line: { color: COLORS[c.state], dash: c.state === "PRUNED" ? "dot" : "solid", width: 1 },
    })), { showlegend: false, xaxis: { title: { text: "step" } }, yaxis: { title: { text: "intermediate value" } } });

    const tl = series.timeline;
    const workers = {};
    tl.number.forEach((n, i) => { const st = tl.state[i];
      const w = (workers[st] = workers[st] || { y: [], base: [], x: [], text: [] });
      w.y.push(esc(tl.worker[i])); w.base.push(new Date(tl.start[i] * 1000).toISOString());
      w.x.push(Math.max(1, (tl.end[i] - tl.start[i]) * 1000)); w.text.push("#" + n); });
    plot($("plot-timeline"), Object.keys(workers).map((st) => ({
      type: "bar", orientation: "h", name: st.toLowerCase(), y: workers[st].y, base: workers[st].base,
      x: workers[st].x, text: workers[st].text, textposition: "none", hoverinfo: "text+y", marker: { color: COLORS[st] },
    })), { barmode: "overlay", xaxis: { type: "date" }, margin: { t: 20, r: 20, b: 40, l: 160 } });
  }
  async function loadSeries() {
    lastSeries = Date.now();
    series = await get("/api/study/" + study + "/series");
    drawSeries();
  }
  async function studyTick() {
    const u = await get("/api/study/" + study + "/updates?since=" + Math.max(seq, 0));
    if (u.seq !== seq) {
      seq = u.seq;
      summaryCards($("summary"), u.summary);
      bestTable(u.summary);
      const wait = Math.max(0, 2000 - (Date.now() - lastSeries));
      if (!seriesTimer) seriesTimer = setTimeout(() => { seriesTimer = null; loadSeries(); }, series ? wait : 0);
    }
  }

  // -- the trials page ---------------------------------------------------------------------
  const tstate = { sort: "number", desc: false, page: 0, size: 50, jump: "" };
  let rangeKeysFilled = false;
  async function trialsTick() {
    const q = new URLSearchParams({ sort: tstate.sort, desc: tstate.desc ? "1" : "0", page: String(tstate.page), size: String(tstate.size) });
    const st = $("state").value;
    if (st) q.append("state", st);
    const key = $("range-key").value;
    if (key && ($("range-low").value !== "" || $("range-high").value !== "")) q.append("range", key + ":" + $("range-low").value + "," + $("range-high").value);
    if (tstate.jump !== "") { q.append("jump", tstate.jump); tstate.jump = ""; }
    const d = await get("/api/study/" + study + "/trials?" + q.toString());
    tstate.page = d.page;
    if (!rangeKeysFilled && d.labels.length) {
      d.labels.forEach((k) => { const o = el("option", k); o.value = "param:" + k; $("range-key").appendChild(o); });
      rangeKeysFilled = true;
    }
    const cols = [{ label: "#", key: "number" }, { label: "state", key: "state" }, { label: "value", key: "value" },
      ...d.labels.map((k) => ({ label: k, key: "param:" + k })), { label: "start" }, { label: "duration", key: "duration" }];
    header($("trials").tHead, cols.map((c) => Object.assign({}, c, { label: c.label + (c.key === tstate.sort ? (tstate.desc ? " ▼" : " ▲") : "") })), (k) => {
      if (tstate.sort === k) tstate.desc = !tstate.desc; else { tstate.sort = k; tstate.desc = false; }
      trialsTick();
    });
    fillRows($("trials").tBodies[0], d.rows.map((t) => [
      link("/study/" + study + "/trial/" + t.number, t.number), t.state, t.values,
      ...d.labels.map((k) => t.params[k]), t.start || "", duration(t.duration),
    ]));
    $("pageinfo").textContent = "page " + (d.page + 1) + " of " + d.pages + " (" + d.total + " trials)";
  }
  function wireTrials() {
    $("prev").addEventListener("click", () => { tstate.page = Math.max(0, tstate.page - 1); trialsTick(); });
    $("next").addEventListener("click", () => { tstate.page += 1; trialsTick(); });
    ["state", "range-key", "range-low", "range-high"].forEach((id) =>
      $(id).addEventListener("change", () => { tstate.page = 0; trialsTick(); }));
    $("jump").addEventListener("change", () => {
      tstate.jump = $("jump").value; tstate.sort = "number"; tstate.desc = false; trialsTick();
    });
  }

  // -- one trial ---------------------------------------------------------------------------
  let trialDone = false;
  async function trialTick() {
    if (trialDone) return;
    const t = await get("/api/study/" + study + "/trial/" + trialNo);
    trialDone = !(t.state === "RUNNING" || t.state === "QUEUED");
    summaryCards2(t);
    fillRows($("trial-params").tBodies[0], Object.keys(t.params).map((k) => [k, t.params[k]]));
    fillRows($("trial-attrs").tBodies[0], Object.keys(t.user_attrs).map((k) => [k, t.user_attrs[k]]));
    if (t.error) {
      $("trial-error").textContent = t.error.reason + ": " + (t.error.type || "") + " " + (t.error.message || "") +
        (t.error.traceback ? "\n\n" + t.error.traceback : "");
    } else {
      $("trial-error-section").hidden = true;
    }
    $("trial-attachments").replaceChildren(...(t.attachments.length ? t.attachments.map((a) => el("li", a)) : [el("li", "none")]));
    plot($("plot-trial-curve"), [{ type: "scatter", mode: "lines+markers", x: t.intermediate.map((p) => p[0]),
      y: t.intermediate.map((p) => num(p[1])), name: "#" + t.number }],
    { showlegend: false, xaxis: { title: { text: "step" } } });
  }
  function summaryCards2(t) {
    const cards = [["state", t.state], ["value", fmt(t.values) || "none"], ["worker", t.worker || ""],
      ["started", t.start || ""], ["duration", duration(t.duration)]];
    if (t.retried_from !== null) cards.push(["retry of trial", t.retried_from]);
    $("trial-summary").replaceChildren(...cards.map(([k, v]) => {
      const c = el("div", null, "card");
      c.dataset.name = k;
      c.append(el("div", fmt(v), "card-value"), el("div", k, "card-label"));
      return c;
    }));
  }

  if (page === "studies") poll(studies, 1500);
  if (page === "study") {
    document.querySelectorAll(".state-filter").forEach((b) => b.addEventListener("change", drawSeries));
    poll(studyTick, POLL_MS);
  }
  if (page === "trials") { wireTrials(); poll(trialsTick, 1500); }
  if (page === "trial") poll(trialTick, 1500);
})();
