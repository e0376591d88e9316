"""Charts drawn at build time as inline SVG: readable without JavaScript, no library, no CDN.

Each chart is a `<figure>` with two drawings of the same data: one 720 units wide for desktops
and one 360 units wide for phones (CSS shows one), so that its text is never smaller than
12 px on a desktop and 11 px on a 390 px phone. Axes have whole-number ticks fitted to the data;
the legend lists only the series drawn; the statistics page puts the numbers behind every
chart in a table under it. Text uses `currentColor`, so the dark scheme works.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from html import escape

from .stats import ActionCounts, ResolvePoint

WIDE, NARROW = 720, 360
HEIGHT = 280
TOP, BOTTOM, RIGHT = 16, 46, 12
FONT = {False: 13, True: 12}  # wide, narrow: drawn 1:1 on a 390 px phone, about 12 px

# Dark enough for white text (WCAG AA), and told apart by their order in the stack.
SEVERITY_COLOURS = {"P1": "#c62828", "P2": "#b45309", "P3": "#f9a825", "P4": "#1565c0"}
OTHER_COLOURS = ["#6a1b9a", "#00695c", "#5d4037", "#455a64", "#ad1457", "#558b2f"]
STATE_COLOURS = {"done": "#2e7d32", "open": "#1565c0", "overdue": "#c62828", "wont-do": "#616161"}
STATE_NAMES = {"done": "done", "open": "open", "overdue": "overdue", "wont-do": "won't do"}


def severity_colour(severity: str, order: list[str]) -> str:
    if severity in SEVERITY_COLOURS:
        return SEVERITY_COLOURS[severity]
    others = [s for s in order if s not in SEVERITY_COLOURS]
    index = others.index(severity) if severity in others else 0
    return OTHER_COLOURS[index % len(OTHER_COLOURS)]


def axis(value: float, steps: int = 5) -> tuple[int, int]:
    """(top, step) of a value axis: whole-number ticks 1, 2 or 5 × 10^n apart, at most `steps`
    of them, the top being the first tick at or above value."""
    value = max(float(value), 1.0)
    power = 0
    while True:
        for base in (1, 2, 5):
            step = base * 10**power
            count = math.ceil(value / step)
            if count <= steps:
                return step * count, step
        power += 1


def _left(top: int, unit: str) -> int:
    """Room for the longest tick label."""
    return 14 + int(len(f"{top}{unit}") * FONT[False] * 0.62)


def _svg(width: int, label: str, body: list[str], height: int, narrow: bool) -> str:
    variant = "narrow" if narrow else "wide"
    return (
        f'<svg class="pm-chart pm-chart--{variant}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit" font-size="{FONT[narrow]}">' + "".join(body) + "</svg>"
    )


def _figure(svgs: tuple[str, str], caption: str, legend: list[tuple[str, str]]) -> str:
    keys = "".join(
        f'<span class="pm-legend__key"><span class="pm-legend__swatch" '
        f'style="background:{colour}"></span>{escape(name)}</span>'
        for name, colour in legend
    )
    return (
        f'<figure class="pm-figure" data-pagefind-ignore>{svgs[0]}{svgs[1]}'
        f'<figcaption>{escape(caption)}<span class="pm-legend">{keys}</span></figcaption></figure>'
    )


def _y_axis(
    top: int, step: int, left: int, width: int, plot_top: float, plot_h: float, unit: str = ""
) -> list[str]:
    parts = []
    for tick in range(0, top + 1, step):
        y = plot_top + plot_h - (tick / top) * plot_h
        parts.append(
            f'<line x1="{left}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="currentColor" stroke-opacity="0.2"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="currentColor">'
            f"{tick}{unit}</text>"
        )
    return parts


def _month_label(month: str, short: bool = False) -> str:
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    year, number = month.split("-")
    name = names[int(number) - 1]
    if short:
        return f"{name} {year[2:]}"
    return f"{name} {year}" if number == "01" else name


def _every(count: int, narrow: bool) -> int:
    return max(1, math.ceil(count / (4 if narrow else 12)))


def _stacked_bars(
    width: int,
    narrow: bool,
    categories: list[str],
    stacks: list[list[tuple[str, int, str]]],  # per category: (series, count, colour)
    label: Callable[[int, bool], str | None],  # x label of category i, or None
    tip: Callable[[str, str, int], str],
) -> list[str]:
    top, step = axis(max((sum(c for _, c, _ in s) for s in stacks), default=1))
    left = _left(top, "")
    plot_w, plot_h = width - left - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    bar = max(slot * 0.7, 1.0)
    body = _y_axis(top, step, left, width, TOP, plot_h)
    for i, category in enumerate(categories):
        x = left + i * slot + (slot - bar) / 2
        base = TOP + plot_h
        for series, count, colour in stacks[i]:
            if not count:
                continue
            h = count / top * plot_h
            base -= h
            title = "" if narrow else f"<title>{escape(tip(category, series, count))}</title>"
            body.append(
                f'<rect class="pm-bar" x="{x:.1f}" y="{base:.1f}" width="{bar:.1f}" '
                f'height="{h:.1f}" fill="{colour}">{title}</rect>'
            )
        text = label(i, narrow)
        if text:
            body.append(
                f'<text x="{left + i * slot + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                f'text-anchor="middle" fill="currentColor">{escape(text)}</text>'
            )
    return body


def bar_chart(
    categories: list[str],
    stacks: list[list[tuple[str, int, str]]],  # per category: (series, count, colour)
    label: Callable[[int, bool], str | None],
    name: str,
    caption: str,
    legend: list[tuple[str, str]],
) -> str:
    """Stacked bars, one per category (each part's tip: `category · series: count`), drawn
    wide and narrow, in a figure with its caption and legend."""
    svgs = tuple(
        _svg(
            width,
            name,
            _stacked_bars(
                width, narrow, categories, stacks, label, lambda c, s, n: f"{c} · {s}: {n}"
            ),
            HEIGHT,
            narrow,
        )
        for width, narrow in ((WIDE, False), (NARROW, True))
    )
    return _figure(svgs, caption, legend)  # type: ignore[arg-type]


def _severity_bars(
    categories: list[str],
    counts: dict[str, dict[str, int]],  # category -> severity -> incidents
    severities: list[str],
    label: Callable[[int, bool], str | None],
    name: str,
    caption: str,
) -> str:
    """Stacked bars of incidents, one per category, one colour per severity."""
    stacks = [
        [(s, counts[c].get(s, 0), severity_colour(s, severities)) for s in severities]
        for c in categories
    ]
    legend = [(s, severity_colour(s, severities)) for s in severities]
    return bar_chart(categories, stacks, label, name, caption, legend)


def incidents_per_month(
    months: list[str], per_month: dict[str, dict[str, int]], severities: list[str]
) -> str:
    """Stacked bars: one per month, one colour per severity (only severities that occur)."""
    if not months:
        return '<p class="pm-empty">No incidents with a start time yet.</p>'

    def label(i: int, narrow: bool) -> str | None:
        every = _every(len(months), narrow)
        if i % every:
            return None
        return _month_label(months[i], short=narrow)

    total = sum(sum(v.values()) for v in per_month.values())
    name = f"Incidents per month by severity: {total} incidents over {len(months)} months"
    return _severity_bars(
        months, per_month, severities, label, name, "Incidents per month, by severity."
    )


def time_to_detect(buckets: dict[str, dict[str, int]], severities: list[str]) -> str:
    """Stacked bars: how many incidents were detected within 5 min, 15 min, ... by severity."""
    labels = list(buckets)
    if not any(sum(b.values()) for b in buckets.values()):
        return '<p class="pm-empty">No incidents with a detection time yet.</p>'

    def label(i: int, narrow: bool) -> str:
        text = labels[i]
        return text.replace(" min", "′").replace(" or more", "+") if narrow else text

    total = sum(sum(b.values()) for b in buckets.values())
    name = f"Time to detect of {total} incidents, by severity"
    return _severity_bars(
        labels,
        buckets,
        severities,
        label,
        name,
        "Time from the start of an incident to its detection, by severity.",
    )


def time_to_resolve(
    points: list[ResolvePoint], monthly_median: dict[str, float], severities: list[str]
) -> str:
    """One dot per incident (hours from start to resolution), and the monthly median as a line."""
    if not points:
        return '<p class="pm-empty">No resolved incidents yet.</p>'
    first = points[0].started.timestamp()
    last = points[-1].started.timestamp()
    span = max(last - first, 86400.0)
    # The axis stops at the 95th percentile so one multi-day outlier does not flatten the rest;
    # dots above it are drawn at the top edge as triangles, their tooltip has the real value.
    ordered = sorted(p.hours for p in points)
    top, step = axis(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))])
    left = _left(top, " h")

    def draw(width: int, narrow: bool) -> list[str]:
        plot_w, plot_h = width - left - RIGHT, HEIGHT - TOP - BOTTOM

        def x_of(moment: float) -> float:
            return left + (moment - first) / span * plot_w

        def y_of(hours: float) -> float:
            return TOP + plot_h - min(hours, top) / top * plot_h

        body = _y_axis(top, step, left, width, TOP, plot_h, " h")
        radius = 2.5 if narrow else 3.5
        for point in points:
            x, y = x_of(point.started.timestamp()), y_of(point.hours)
            colour = severity_colour(point.severity, severities)
            tip = (
                ""
                if narrow
                else f"<title>{escape(point.title)} ({point.started:%Y-%m-%d}, "
                f"{escape(point.severity)}): {point.hours:.1f} h</title>"
            )
            if point.hours > top:
                body.append(
                    f'<path class="pm-dot" d="M{x:.1f} {y - 1:.1f} l4 7 h-8 z" fill="{colour}">'
                    f"{tip}</path>"
                )
            else:
                body.append(
                    f'<circle class="pm-dot" cx="{x:.1f}" cy="{y:.1f}" r="{radius}" '
                    f'fill="{colour}" fill-opacity="0.8">{tip}</circle>'
                )
        line = []
        for month, hours in sorted(monthly_median.items()):
            year, number = (int(p) for p in month.split("-"))
            middle = datetime(year, number, 15, tzinfo=points[0].started.tzinfo).timestamp()
            line.append(f"{x_of(min(max(middle, first), last)):.1f},{y_of(hours):.1f}")
        if len(line) > 1:
            body.append(
                f'<polyline class="pm-median" points="{" ".join(line)}" fill="none" '
                f'stroke="currentColor" stroke-width="2" stroke-opacity="0.8"/>'
            )
        years = list(range(points[0].started.year, points[-1].started.year + 1))
        every = max(1, math.ceil(len(years) / (4 if narrow else 12)))
        for index, year in enumerate(years):
            moment = datetime(year, 1, 1, tzinfo=points[0].started.tzinfo).timestamp()
            if index % every == 0 and (first <= moment <= last or index == 0):
                x = min(x_of(max(moment, first)), width - RIGHT - 30)
                body.append(
                    f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="start" '
                    f'fill="currentColor">{year}</text>'
                )
        return body

    name = f"Time to resolve of {len(points)} incidents, in hours, over time"
    svgs = (
        _svg(WIDE, name, draw(WIDE, False), HEIGHT, False),
        _svg(NARROW, name, draw(NARROW, True), HEIGHT, True),
    )
    drawn = {p.severity for p in points}
    legend = [(s, severity_colour(s, severities)) for s in severities if s in drawn] + [
        ("monthly median", "currentColor")
    ]
    return _figure(svgs, "Time to resolve (hours from start to resolution).", legend)


def action_items(totals: ActionCounts, per_month: dict[str, ActionCounts]) -> str:
    """A bar of all action items by state, then one stacked bar per month of incident."""
    if totals.total == 0:
        return '<p class="pm-empty">No action items yet.</p>'
    states = [
        ("done", totals.done),
        ("open", totals.open),
        ("overdue", totals.overdue),
        ("wont-do", totals.wont_do),
    ]
    months = list(per_month)

    def draw(width: int, narrow: bool) -> list[str]:
        body: list[str] = []
        x = float(RIGHT)
        plot_w = width - 2 * RIGHT
        for state, count in states:
            if not count:
                continue
            w = count / totals.total * plot_w
            title = "" if narrow else f"<title>{STATE_NAMES[state]}: {count}</title>"
            body.append(
                f'<rect class="pm-bar" x="{x:.1f}" y="{TOP}" width="{w:.1f}" height="34" '
                f'fill="{STATE_COLOURS[state]}">{title}</rect>'
            )
            text = f"{STATE_NAMES[state]} {count}"
            if w > len(text) * FONT[narrow] * 0.62 + 12:
                body.append(
                    f'<text x="{x + 6:.1f}" y="{TOP + 22}" fill="#fff" font-weight="bold">'
                    f"{escape(text)}</text>"
                )
            x += w
        if not any(per_month[m].total for m in months):
            return body
        stacks = [
            [
                (STATE_NAMES[s], getattr(per_month[m], s.replace("-", "_")), STATE_COLOURS[s])
                for s, _ in states
            ]
            for m in months
        ]

        def label(i: int, narrow: bool) -> str | None:
            return None if i % _every(len(months), narrow) else _month_label(months[i], narrow)

        bars = _stacked_bars(
            width, narrow, months, stacks, label, lambda m, s, n: f"{m} incidents · {s}: {n}"
        )
        # Below the totals bar: shift the month chart down.
        body.append(f'<g transform="translate(0 {TOP + 34 + 14})">{"".join(bars)}</g>')
        return body

    has_months = any(per_month[m].total for m in months)
    height = TOP + 34 + 14 + HEIGHT if has_months else TOP + 34 + 20
    rate = totals.done / totals.total * 100
    name = (
        f"Action items: {totals.done} done, {totals.open} open, {totals.overdue} overdue, "
        f"{totals.wont_do} won't do"
    )
    svgs = (
        _svg(WIDE, name, draw(WIDE, False), height, False),
        _svg(NARROW, name, draw(NARROW, True), height, True),
    )
    legend = [(STATE_NAMES[s], STATE_COLOURS[s]) for s, count in states if count]
    return _figure(
        svgs,
        f"Action items by state ({rate:.0f}% done); below, by month of the incident.",
        legend,
    )
