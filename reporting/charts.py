"""Geometry for the server-rendered SVG charts (no JavaScript). The figures come from the already
suppressed tables, so a chart never shows more than its table: a "<5" cell is drawn as an empty
bar labelled "<5"."""

from dataclasses import dataclass

from . import rules


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    text: str
    # where the axis label goes: the last one is right-aligned so it stays inside the chart
    label_x: float = 0.0
    label_anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    line: str  # SVG polyline points for the cumulative line ("" when there is none)
    max_value: int
    axis_y: float


def _value(cell: rules.Cell) -> int:
    return cell if isinstance(cell, int) else 0


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        candidate = int(step * magnitude)
        if candidate >= value:
            return candidate
    return value


def trend_chart(rows: list[list], *, width: int = 720, height: int = 260) -> Chart:
    """Vertical bars per month (column 1) and a cumulative line (column 2) on its own scale."""
    top, bottom, left, right = 16, 40, 8, 8
    plot_h = height - top - bottom
    plot_w = width - left - right
    n = max(len(rows), 1)
    slot = plot_w / n
    monthly_max = _nice_max(max((_value(r[1]) for r in rows), default=0))
    cumulative_max = _nice_max(max((_value(r[2]) for r in rows), default=0))
    bars, points = [], []
    for i, (label, monthly, cumulative) in enumerate(rows):
        h = plot_h * _value(monthly) / monthly_max
        x = left + i * slot + slot * 0.15
        last = i == len(rows) - 1 and i > 0
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(top + plot_h - h, 1),
                width=round(slot * 0.7, 1),
                height=round(h, 1),
                label=label,
                text=str(monthly),
                label_x=round(x + slot * 0.7 if last else x, 1),
                label_anchor="end" if last else "start",
            )
        )
        if isinstance(cumulative, int):
            cy = top + plot_h - plot_h * cumulative / cumulative_max
            points.append(f"{round(left + i * slot + slot / 2, 1)},{round(cy, 1)}")
    return Chart(
        width=width,
        height=height,
        bars=bars,
        line=" ".join(points),
        max_value=monthly_max,
        axis_y=top + plot_h,
    )


def breakdown_chart(rows: list[list], *, width: int = 720, row_height: int = 24) -> Chart:
    """Horizontal bars, one per row of a breakdown (the total row is left out)."""
    body = [r for r in rows[:-1]]
    label_w, right = 220, 60
    plot_w = width - label_w - right
    max_value = _nice_max(max((_value(r[1]) for r in body), default=0))
    bars = []
    for i, (label, cell) in enumerate(body):
        w = plot_w * _value(cell) / max_value
        bars.append(
            Bar(
                x=label_w,
                y=i * row_height + 4,
                width=round(w, 1),
                height=row_height - 8,
                label=str(label),
                text=str(cell),
            )
        )
    return Chart(
        width=width,
        height=max(len(body), 1) * row_height,
        bars=bars,
        line="",
        max_value=max_value,
        axis_y=0,
    )
