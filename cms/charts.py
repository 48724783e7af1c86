"""Server-side bar charts as accessible SVG: the geometry is computed here, the markup is in
templates/components/bar_chart.html. Every bar carries its value as text (never colour alone),
both axes are labelled, and the page shows a data table with the same numbers next to it."""

import math
from dataclasses import dataclass, field
from decimal import Decimal

WIDTH = 640
BAR = 22
GAP = 10
TOP = 24
LABEL_W = 170  # horizontal charts: the category / town names on the left
VALUE_W = 90  # room for the value after the longest bar
AXIS_H = 48  # x-axis ticks and title
COLUMN_AREA_H = 220  # vertical charts: the height of the plotting area
COLUMN_LEFT = 72
COLUMN_BOTTOM = 64


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: Decimal
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Tick:
    value: Decimal
    x: float
    y: float
    label_x: float
    label_y: float


@dataclass
class Chart:
    id: str
    title: str
    desc: str
    x_label: str
    y_label: str
    orientation: str  # "horizontal" (bars) or "vertical" (columns)
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    plot_left: float = 0
    plot_right: float = 0
    plot_top: float = 0
    plot_bottom: float = 0

    @property
    def x_title(self) -> tuple[float, float]:
        """Where the x-axis title goes: centred under the plot."""
        return ((self.plot_left + self.plot_right) / 2, self.height - 6)

    @property
    def is_empty(self) -> bool:
        return not self.bars


def nice_max(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^n at or above `value` (1 for nothing), so the axis
    ends on a round number."""
    if value <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(float(value)))
    for step in (1, 2, 2.5, 5, 10):
        candidate = Decimal(str(step)) * Decimal(10) ** exponent
        if candidate >= value:
            return candidate
    return Decimal(10) ** (exponent + 1)


def _ticks(top: Decimal, count: int = 5) -> list[Decimal]:
    return [top * i / (count - 1) for i in range(count)]


def bar_chart(
    rows: list[tuple[str, str, Decimal]],
    *,
    id: str,
    title: str,
    desc: str,
    x_label: str,
    y_label: str,
    orientation: str = "horizontal",
) -> Chart:
    """rows are (key, label, value). Horizontal: one bar per row, labels on the left, values
    on the x axis. Vertical: one column per row (e.g. months), values on the y axis."""
    top = nice_max(max((value for _, _, value in rows), default=Decimal(0)))
    if orientation == "horizontal":
        return _horizontal(rows, top, id=id, title=title, desc=desc, x_label=x_label, y_label=y_label)
    return _vertical(rows, top, id=id, title=title, desc=desc, x_label=x_label, y_label=y_label)


def _horizontal(rows, top, **text) -> Chart:
    plot_left, plot_right = LABEL_W, WIDTH - VALUE_W
    span = plot_right - plot_left
    plot_bottom = TOP + len(rows) * (BAR + GAP)
    chart = Chart(
        orientation="horizontal",
        width=WIDTH,
        height=int(plot_bottom + AXIS_H),
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        **text,
    )
    for index, (key, label, value) in enumerate(rows):
        y = TOP + index * (BAR + GAP) + GAP / 2
        width = float(value / top) * span
        chart.bars.append(
            Bar(
                key=key,
                label=label,
                value=value,
                x=plot_left,
                y=y,
                width=round(width, 1),
                height=BAR,
                label_x=plot_left - 8,
                label_y=y + BAR * 0.7,
                value_x=round(plot_left + width + 6, 1),
                value_y=y + BAR * 0.7,
            )
        )
    chart.ticks = []
    for v in _ticks(top):
        x = round(plot_left + float(v / top) * span, 1)
        chart.ticks.append(Tick(value=v, x=x, y=plot_bottom, label_x=x, label_y=plot_bottom + 16))
    return chart


def _vertical(rows, top, **text) -> Chart:
    plot_left, plot_right = COLUMN_LEFT, WIDTH - 16
    plot_top, plot_bottom = TOP + 16, TOP + 16 + COLUMN_AREA_H
    slot = (plot_right - plot_left) / max(len(rows), 1)
    width = min(slot * 0.7, 48)
    chart = Chart(
        orientation="vertical",
        width=WIDTH,
        height=int(plot_bottom + COLUMN_BOTTOM),
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        **text,
    )
    for index, (key, label, value) in enumerate(rows):
        height = float(value / top) * COLUMN_AREA_H
        x = plot_left + index * slot + (slot - width) / 2
        chart.bars.append(
            Bar(
                key=key,
                label=label,
                value=value,
                x=round(x, 1),
                y=round(plot_bottom - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                label_x=round(x + width / 2, 1),
                label_y=plot_bottom + 16,
                value_x=round(x + width / 2, 1),
                value_y=round(plot_bottom - height - 5, 1),
            )
        )
    chart.ticks = []
    for v in _ticks(top):
        y = round(plot_bottom - float(v / top) * COLUMN_AREA_H, 1)
        chart.ticks.append(Tick(value=v, x=plot_left, y=y, label_x=plot_left - 6, label_y=y + 4))
    return chart
