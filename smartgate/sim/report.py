"""Scenario results as one JSON object and as a self-contained HTML chart.

Why HTML with the console's vendored Chart.js inlined: the file opens offline in
any browser, needs no plotting stack on the server, and looks like the console.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from statistics import median
from typing import Any

from smartgate.sim.engine import Result


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary(result: Result) -> dict[str, Any]:
    return {
        "name": result.name, "trucks": result.trucks, "cleared": result.cleared,
        "not_cleared": result.trucks - result.cleared,
        "median_wait_min": round(median(result.waits_min), 1) if result.waits_min else 0.0,
        "p95_wait_min": round(percentile(result.waits_min, 95), 1),
        "max_wait_min": round(max(result.waits_min, default=0.0), 1),
        "perishable_median_wait_min": round(median(result.perishable_waits_min), 1)
        if result.perishable_waits_min else 0.0,
        "max_queue": result.max_queue, "no_shows": result.no_shows,
        "outcomes": dict(sorted(result.outcomes.items())),
    }


_COLOURS = ("#1f5d8a", "#b42318", "#1e7d3c", "#b26b00", "#6b4fa0", "#8797a7")


def chart_html(results: list[Result], meta: dict[str, Any]) -> str:
    chart_js = resources.files("gateway").joinpath(
        "static/console/vendor/chart.umd.min.js").read_text(encoding="utf-8")
    rows = [summary(r) for r in results]
    data = {
        "names": [r["name"] for r in rows],
        "median": [r["median_wait_min"] for r in rows],
        "p95": [r["p95_wait_min"] for r in rows],
        "perishable": [r["perishable_median_wait_min"] for r in rows],
        "labels": [t for t, _ in results[0].queue_series] if results else [],
        "queues": [[n for _, n in r.queue_series] for r in results],
        "colours": list(_COLOURS),
    }
    table = "".join(
        f"<tr><td>{html.escape(r['name'])}</td><td>{r['cleared']}</td><td>{r['median_wait_min']}"
        f"</td><td>{r['p95_wait_min']}</td><td>{r['perishable_median_wait_min']}</td>"
        f"<td>{r['max_queue']}</td></tr>" for r in rows)
    payload = json.dumps(data).replace("<", "\\u003c")
    title = html.escape(f"smartgate simulate: {meta.get('trucks')} trucks, seed {meta.get('seed')}"
                        f", {meta.get('day')}")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}td,th{{padding:4px 10px;
text-align:right}}td:first-child,th:first-child{{text-align:left}}canvas{{margin:1em 0}}</style>
</head><body><h1>{title}</h1>
<table><tr><th>scenario</th><th>cleared</th><th>median wait (min)</th><th>p95 wait (min)</th>
<th>perishable median (min)</th><th>max queue</th></tr>{table}</table>
<h2>Wait from yard check-in to cleared (minutes)</h2><canvas id="waits"></canvas>
<h2>Trucks waiting (yard and lanes) through the day</h2><canvas id="queues"></canvas>
<script>{chart_js}</script>
<script>const D = {payload};
new Chart(document.getElementById("waits"), {{type: "bar", options: {{animation: false}},
  data: {{labels: D.names, datasets: [
    {{label: "median", data: D.median, backgroundColor: "#1f5d8a"}},
    {{label: "p95", data: D.p95, backgroundColor: "#b26b00"}},
    {{label: "perishable median", data: D.perishable, backgroundColor: "#1e7d3c"}}]}}}});
new Chart(document.getElementById("queues"), {{type: "line", options: {{animation: false}},
  data: {{labels: D.labels, datasets: D.names.map((n, i) => ({{label: n, data: D.queues[i],
    borderColor: D.colours[i % D.colours.length], pointRadius: 0}}))}}}});
</script></body></html>
"""
