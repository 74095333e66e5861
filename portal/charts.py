"""Geometry for the dashboard's SVG charts; the templates draw them.

Charts are computed on the server and drawn as inline SVG: no script, no library, nothing
fetched. Every chart has a table beside it with the same numbers.
"""

import datetime
import math
from dataclasses import dataclass

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 10
MIN_LABEL_GAP = 44


@dataclass(frozen=True)
class Point:
    day: datetime.date
    value: int
    x: float
    y: float

    @property
    def label_y(self) -> float:
        return self.y - 9


@dataclass(frozen=True)
class Tick:
    label: str
    position: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    points: list[Point]
    polyline: str
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    target: int
    target_y: float
    deadline_x: float | None
    marker_x: float | None

    # Where the labels go, so the template only places them.
    @property
    def y_label_x(self) -> int:
        return self.left - 6

    @property
    def x_label_y(self) -> float:
        return self.bottom + 20

    @property
    def target_label_y(self) -> float:
        return self.target_y - 6


def nice_ceiling(value: int) -> int:
    """A round upper bound for an axis: 83 -> 100, 440 -> 500, 0 -> 10."""
    if value <= 0:
        return 10
    magnitude = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return 10 * magnitude


def line_chart(
    series: list[tuple[datetime.date, int]], *, target: int, deadline: datetime.date, marker: datetime.date
) -> LineChart:
    first, last = series[0][0], series[-1][0]
    span = max((last - first).days, 1)
    top_value = nice_ceiling(max([target, *(value for _, value in series)]))

    def x(day: datetime.date) -> float:
        return round(LEFT + (day - first).days / span * PLOT_W, 1)

    def y(value: int) -> float:
        return round(TOP + PLOT_H - value / top_value * PLOT_H, 1)

    def inside(day: datetime.date) -> float | None:
        return x(day) if first <= day <= last else None

    points = [Point(day, value, x(day), y(value)) for day, value in series]
    every = max(1, math.ceil(len(points) / MAX_X_LABELS))
    x_ticks = [Tick(str(p.day.year), p.x) for i, p in enumerate(points) if i % every == 0]
    end = points[-1]
    if x_ticks[-1].position != end.x:
        # The last label always shows; a regular one too close to it gives way.
        if end.x - x_ticks[-1].position < MIN_LABEL_GAP:
            x_ticks.pop()
        x_ticks.append(Tick(str(end.day.year), end.x))
    y_ticks = [Tick(str(top_value * i // 4), y(top_value * i // 4)) for i in range(5)]
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=TOP + PLOT_H,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        target=target,
        target_y=y(target),
        deadline_x=inside(deadline),
        marker_x=inside(marker),
    )


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    certified: int
    y: float
    total_width: float
    certified_width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: list[Bar]

    @property
    def label_x(self) -> int:
        return self.label_width - 8

    @property
    def text_y(self) -> int:
        return self.bar_height - 4


BAR_LABEL_W, BAR_H, BAR_GAP, BAR_VALUE_W = 210, 18, 12, 70


def bar_chart(rows: list[dict]) -> BarChart:
    """Horizontal bars per agency kind: all registered agencies, and the certified among them."""
    plot_w = WIDTH - BAR_LABEL_W - BAR_VALUE_W
    largest = max([row["total"] for row in rows] + [1])
    bars = [
        Bar(
            label=str(row["label"]),
            total=row["total"],
            certified=row["certified"],
            y=i * (BAR_H + BAR_GAP),
            total_width=round(row["total"] / largest * plot_w, 1),
            certified_width=round(row["certified"] / largest * plot_w, 1),
            value_x=round(BAR_LABEL_W + row["total"] / largest * plot_w + 6, 1),
        )
        for i, row in enumerate(rows)
    ]
    return BarChart(
        width=WIDTH,
        height=max(len(bars) * (BAR_H + BAR_GAP), BAR_H),
        label_width=BAR_LABEL_W,
        bar_height=BAR_H,
        bars=bars,
    )
