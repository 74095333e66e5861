import datetime

import pytest

from portal.charts import MIN_LABEL_GAP, bar_chart, line_chart, nice_ceiling

D = datetime.date


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 10), (1, 1), (7, 10), (83, 100), (101, 200), (440, 500), (40000, 50000)]
)
def test_nice_ceiling(value, ceiling):
    assert nice_ceiling(value) == ceiling


def series(first_year: int, last: datetime.date, value: int = 0):
    return [(D(y, 12, 31), value) for y in range(first_year, last.year)] + [(last, value)]


def test_line_chart_places_the_target_deadline_and_points():
    chart = line_chart(series(2011, D(2026, 11, 25), 44), target=83, deadline=D(2013, 12, 31), marker=D(2013, 12, 31))
    assert chart.y_ticks[-1].label == "100"
    assert chart.points[0].x == chart.left
    assert chart.points[-1].x == chart.right
    assert chart.top < chart.target_y < chart.points[0].y < chart.bottom
    assert chart.left < chart.deadline_x < chart.right
    assert chart.deadline_x == chart.marker_x


def test_line_chart_x_labels_never_crowd_the_last_one():
    chart = line_chart(series(2011, D(2026, 11, 25)), target=83, deadline=D(2013, 12, 31), marker=D(2026, 11, 25))
    positions = [tick.position for tick in chart.x_ticks]
    assert chart.x_ticks[-1].label == "2026"
    assert all(b - a >= MIN_LABEL_GAP for a, b in zip(positions, positions[1:], strict=False))


def test_a_deadline_outside_the_series_is_not_drawn():
    chart = line_chart(series(2020, D(2026, 1, 1)), target=10, deadline=D(2013, 12, 31), marker=D(2026, 1, 1))
    assert chart.deadline_x is None


def test_bar_chart_scales_to_the_largest_kind():
    chart = bar_chart(
        [{"label": "Dinas", "total": 20, "certified": 5}, {"label": "Badan", "total": 10, "certified": 10}]
    )
    dinas, badan = chart.bars
    assert dinas.total_width == 2 * badan.total_width
    assert badan.certified_width == badan.total_width
    assert dinas.certified_width == dinas.total_width / 4
    assert badan.y > dinas.y
