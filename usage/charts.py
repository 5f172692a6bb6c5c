"""The company page's chart, drawn on the server as SVG: hourly calls stacked by status class,
with the hourly limit as a line. No chart library and no script, so it passes the strict CSP
(colours are SVG presentation attributes, not inline styles)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from portal import times

from .models import HourlyUsage

# (key, label, colour), bottom of the stack first.
SERIES = (
    ("ok", "2xx", "#2f8f5b"),
    ("redirect", "3xx", "#6b8fc9"),
    ("client_error", "4xx (not 429)", "#d49a1f"),
    ("throttled", "429", "#b3261e"),
    ("server_error", "5xx", "#7a3e9d"),
    ("no_response", "No response", "#8a94a6"),
)

WIDTH, HEIGHT = 960, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 40


@dataclass(frozen=True, slots=True)
class HourFigures:
    hour: datetime
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    segments: list[Segment]
    limit: int
    limit_y: float
    ticks: list[Tick]
    labels: list[Label]
    hours: list[HourFigures]
    plot_left: int
    plot_right: int
    plot_bottom: int
    series: tuple = SERIES


def figures_of(row: HourlyUsage | None, hour: datetime) -> HourFigures:
    if row is None:
        return HourFigures(hour, {key: 0 for key, _, _ in SERIES})
    return HourFigures(
        hour,
        {
            "ok": row.status_2xx,
            "redirect": row.status_3xx,
            "client_error": max(row.status_4xx - row.rate_limited, 0),
            "throttled": row.rate_limited,
            "server_error": row.status_5xx,
            "no_response": row.no_response,
        },
    )


def hourly_series(rows: list[HourlyUsage], first_hour: datetime, hours: int) -> list[HourFigures]:
    by_hour = {row.hour: row for row in rows}
    return [
        figures_of(by_hour.get(first_hour + timedelta(hours=i)), first_hour + timedelta(hours=i))
        for i in range(hours)
    ]


def _nice_step(top: float) -> int:
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return max(int(factor * magnitude), 1)
    return int(10 * magnitude)


def stacked_chart(hours: list[HourFigures], limit: int) -> Chart:
    top = max([limit, *(h.total for h in hours)]) * 1.1 or 1
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(hours), 1)
    bar = max(slot * 0.8, 1.0)

    def y_of(value: float) -> float:
        return round(TOP + plot_h - value / top * plot_h, 2)

    segments = []
    for index, figures in enumerate(hours):
        x = round(LEFT + index * slot + (slot - bar) / 2, 2)
        base = 0
        for key, label, colour in SERIES:
            count = figures.counts[key]
            if not count:
                continue
            y_top, y_bottom = y_of(base + count), y_of(base)
            segments.append(
                Segment(
                    x=x,
                    y=y_top,
                    width=round(bar, 2),
                    height=round(max(y_bottom - y_top, 0.5), 2),
                    colour=colour,
                    title=f"{times.shown(figures.hour)}: {count:,} {label}",
                )
            )
            base += count
    step = _nice_step(top)
    ticks = [Tick(value, y_of(value)) for value in range(0, int(top) + 1, step)]
    labels = [
        Label(round(LEFT + index * slot + slot / 2, 2), f"{times.local(figures.hour):%d %b %H}:00")
        for index, figures in enumerate(hours)
        if times.local(figures.hour).hour % 6 == 0
    ]
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        segments=segments,
        limit=limit,
        limit_y=y_of(limit),
        ticks=ticks,
        labels=labels,
        hours=hours,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        plot_bottom=TOP + plot_h,
    )
