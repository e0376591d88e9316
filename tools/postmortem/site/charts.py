"""Charts drawn at build time as inline SVG: readable without JavaScript, no library, no CDN.

Each chart is a `<figure>` holding an `<svg>` (with `<title>` tooltips on every mark) and a
caption; the numbers behind it are also given as a table by the statistics page, so a screen
reader or a text browser loses nothing. Text uses `currentColor` so the dark theme works.
"""

from __future__ import annotations

import math
from datetime import datetime
from html import escape

from .stats import ActionCounts, ResolvePoint

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 46

SEVERITY_COLOURS = {"P1": "#d32f2f", "P2": "#f57c00", "P3": "#fbc02d", "P4": "#1e88e5"}
OTHER_COLOURS = ["#8e24aa", "#00897b", "#6d4c41", "#546e7a", "#c2185b", "#7cb342"]
STATE_COLOURS = {"done": "#43a047", "open": "#1e88e5", "overdue": "#e53935", "wont-do": "#9e9e9e"}


def severity_colour(severity: str, order: list[str]) -> str:
    if severity in SEVERITY_COLOURS:
        return SEVERITY_COLOURS[severity]
    others = [s for s in order if s not in SEVERITY_COLOURS]
    index = others.index(severity) if severity in others else 0
    return OTHER_COLOURS[index % len(OTHER_COLOURS)]


def nice_max(value: float) -> float:
    """A round axis maximum at or above value (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _ticks(top: float, count: int = 4) -> list[float]:
    return [top * i / count for i in range(count + 1)]


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _svg(label: str, body: list[str], height: int = HEIGHT) -> str:
    return (
        f'<svg class="pm-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit" font-size="11">' + "".join(body) + "</svg>"
    )


def _figure(svg: str, caption: str, legend: list[tuple[str, str]]) -> str:
    keys = "".join(
        f'<span class="pm-legend__key"><span class="pm-legend__swatch" '
        f'style="background:{colour}"></span>{escape(name)}</span>'
        for name, colour in legend
    )
    return (
        f'<figure class="pm-figure" data-search-exclude>{svg}'
        f'<figcaption>{escape(caption)}<span class="pm-legend">{keys}</span></figcaption></figure>'
    )


def _y_axis(top: float, plot_h: float, unit: str = "") -> list[str]:
    parts = []
    for tick in _ticks(top):
        y = TOP + plot_h - (tick / top) * plot_h
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="currentColor">'
            f"{_num(tick)}{unit}</text>"
        )
    return parts


def _month_label(month: str) -> str:
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    year, number = month.split("-")
    return f"{names[int(number) - 1]} {year}" if number == "01" else names[int(number) - 1]


def incidents_per_month(
    months: list[str], per_month: dict[str, dict[str, int]], severities: list[str]
) -> str:
    """Stacked bars: one per month, one colour per severity."""
    if not months:
        return '<p class="pm-empty">No incidents with a start time yet.</p>'
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max(4, nice_max(max(sum(per_month[m].values()) for m in months)))
    slot = plot_w / len(months)
    bar = max(slot * 0.7, 1.0)
    every = max(1, math.ceil(len(months) / 12))
    body = _y_axis(top, plot_h)
    for i, month in enumerate(months):
        x = LEFT + i * slot + (slot - bar) / 2
        base = TOP + plot_h
        for severity in severities:
            count = per_month[month].get(severity, 0)
            if not count:
                continue
            h = count / top * plot_h
            base -= h
            body.append(
                f'<rect class="pm-bar" x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{severity_colour(severity, severities)}">'
                f"<title>{month} · {escape(severity)}: {count}</title></rect>"
            )
        if i % every == 0 or month.endswith("-01"):
            body.append(
                f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle" fill="currentColor">{_month_label(month)}</text>'
            )
    total = sum(sum(v.values()) for v in per_month.values())
    svg = _svg(
        f"Incidents per month by severity: {total} incidents over {len(months)} months", body
    )
    legend = [(s, severity_colour(s, severities)) for s in severities]
    return _figure(svg, "Incidents per month, by severity.", legend)


def time_to_resolve(
    points: list[ResolvePoint], monthly_median: dict[str, float], severities: list[str]
) -> str:
    """One dot per incident (hours from start to resolution), and the monthly median as a line."""
    if not points:
        return '<p class="pm-empty">No resolved incidents yet.</p>'
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    first = points[0].started.timestamp()
    last = points[-1].started.timestamp()
    span = max(last - first, 86400.0)
    # The axis stops at the 95th percentile so one multi-day outlier does not flatten the rest;
    # dots above it are drawn at the top edge as triangles, their tooltip has the real value.
    ordered = sorted(p.hours for p in points)
    top = nice_max(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))])

    def x_of(moment: float) -> float:
        return LEFT + (moment - first) / span * plot_w

    def y_of(hours: float) -> float:
        return TOP + plot_h - min(hours, top) / top * plot_h

    body = _y_axis(top, plot_h, " h")
    for point in points:
        x, y = x_of(point.started.timestamp()), y_of(point.hours)
        colour = severity_colour(point.severity, severities)
        tip = (
            f"<title>{escape(point.title)} ({point.started:%Y-%m-%d}, {escape(point.severity)}): "
            f"{point.hours:.1f} h</title>"
        )
        if point.hours > top:
            body.append(
                f'<path class="pm-dot" d="M{x:.1f} {y - 1:.1f} l4 7 h-8 z" fill="{colour}">'
                f"{tip}</path>"
            )
        else:
            body.append(
                f'<circle class="pm-dot" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}" '
                f'fill-opacity="0.8">{tip}</circle>'
            )
    line = []
    for month, hours in sorted(monthly_median.items()):
        year, number = (int(p) for p in month.split("-"))
        middle = datetime(year, number, 15, tzinfo=points[0].started.tzinfo).timestamp()
        line.append(f"{x_of(min(max(middle, first), last)):.1f},{y_of(hours):.1f}")
    if len(line) > 1:
        body.append(
            f'<polyline class="pm-median" points="{" ".join(line)}" fill="none" '
            f'stroke="currentColor" stroke-width="2" stroke-opacity="0.7"/>'
        )
    years = range(points[0].started.year, points[-1].started.year + 1)
    for year in years:
        moment = datetime(year, 1, 1, tzinfo=points[0].started.tzinfo).timestamp()
        if first <= moment <= last or year == points[0].started.year:
            x = x_of(max(moment, first))
            body.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="start" '
                f'fill="currentColor">{year}</text>'
            )
    svg = _svg(f"Time to resolve of {len(points)} incidents, in hours, over time", body)
    legend = [(s, severity_colour(s, severities)) for s in severities] + [
        ("monthly median", "currentColor")
    ]
    return _figure(svg, "Time to resolve (hours from start to resolution).", legend)


def action_items(totals: ActionCounts, per_month: dict[str, ActionCounts]) -> str:
    """A bar of all action items by state, then one thin stacked bar per month of incident."""
    if totals.total == 0:
        return '<p class="pm-empty">No action items yet.</p>'
    states = [
        ("done", totals.done),
        ("open", totals.open),
        ("overdue", totals.overdue),
        ("wont-do", totals.wont_do),
    ]
    plot_w = WIDTH - LEFT - RIGHT
    body: list[str] = []
    x = float(LEFT)
    for state, count in states:
        if not count:
            continue
        w = count / totals.total * plot_w
        body.append(
            f'<rect class="pm-bar" x="{x:.1f}" y="{TOP}" width="{w:.1f}" height="34" '
            f'fill="{STATE_COLOURS[state]}"><title>{state}: {count}</title></rect>'
        )
        if w > 60:
            body.append(
                f'<text x="{x + 6:.1f}" y="{TOP + 22}" fill="#fff" font-weight="bold">'
                f"{state} {count}</text>"
            )
        x += w
    months = [m for m in per_month if per_month[m].total]
    height = TOP + 34 + 20
    if months:
        plot_h = 130
        top = max(4, nice_max(max(per_month[m].total for m in months)))
        all_months = list(per_month)
        slot = plot_w / len(all_months)
        bar = max(slot * 0.7, 1.0)
        y0 = TOP + 34 + 24
        for i, month in enumerate(all_months):
            counts = per_month[month]
            base = y0 + plot_h
            for state, count in (
                ("done", counts.done),
                ("open", counts.open),
                ("overdue", counts.overdue),
                ("wont-do", counts.wont_do),
            ):
                if not count:
                    continue
                h = count / top * plot_h
                base -= h
                body.append(
                    f'<rect class="pm-bar" x="{LEFT + i * slot + (slot - bar) / 2:.1f}" '
                    f'y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                    f'fill="{STATE_COLOURS[state]}"><title>{month} incidents · {state}: {count}'
                    f"</title></rect>"
                )
        every = max(1, math.ceil(len(all_months) / 12))
        for i, month in enumerate(all_months):
            if i % every == 0 or month.endswith("-01"):
                body.append(
                    f'<text x="{LEFT + i * slot + slot / 2:.1f}" y="{y0 + plot_h + 16}" '
                    f'text-anchor="middle" fill="currentColor">{_month_label(month)}</text>'
                )
        body.append(
            f'<text x="{LEFT - 6}" y="{y0 + 4}" text-anchor="end" fill="currentColor">'
            f"{_num(top)}</text>"
            f'<text x="{LEFT - 6}" y="{y0 + plot_h + 4}" text-anchor="end" '
            f'fill="currentColor">0</text>'
        )
        height = y0 + plot_h + 26
    rate = totals.done / totals.total * 100
    svg = _svg(
        f"Action items: {totals.done} done, {totals.open} open, {totals.overdue} overdue, "
        f"{totals.wont_do} won't do",
        body,
        height,
    )
    legend = [(s, STATE_COLOURS[s]) for s, _ in states]
    return _figure(
        svg,
        f"Action items by state ({rate:.0f}% done); below, by month of the incident.",
        legend,
    )
