"""The debrief's two charts, drawn with pygame: meters over time, and the balance plane."""

from __future__ import annotations

from dataclasses import astuple, dataclass

import pygame

from simulator.ui.fonts import Fonts
from simulator.ui.theme import Colour, Theme
from simulator.ui.widgets.basic import draw_wrapped
from simulator.wording import Wording


@dataclass(frozen=True)
class MeterHistory:
    """What both charts show: the meters after each decision, and the balance target."""

    satisfaction: list[float]
    cost: list[float]
    cost_scale: float  # the top of the cost axis
    target_satisfaction: float
    target_cost: float
    cost_label: str
    cost_limit: float
    cost_unit: str


def _dashed_line(
    surface: pygame.Surface,
    colour: Colour,
    start: tuple[int, int],
    end: tuple[int, int],
    dash: int = 7,
) -> None:
    (x1, y1), (x2, y2) = start, end
    length = max(abs(x2 - x1), abs(y2 - y1))
    for offset in range(0, length, dash * 2):
        a = offset / length
        b = min(1.0, (offset + dash) / length)
        pygame.draw.line(
            surface,
            colour,
            (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
            (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b),
            2,
        )


def meters_over_time(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fonts: Fonts,
    theme: Theme,
    history: MeterHistory,
    words: Wording,
) -> None:
    """Satisfaction (left axis, 0-100) and cost (right axis) after each decision."""
    satisfaction, cost, cost_scale, target_satisfaction, target_cost, cost_label, _, unit = astuple(
        history
    )
    small = theme.size(13)
    legend_y = _title(surface, rect, fonts, theme, words("chart.over_time")) + 4
    x = rect.x
    satisfaction_name = words("chart.satisfaction")
    for colour, text in ((theme.satisfaction, satisfaction_name), (theme.cost, cost_label)):
        pygame.draw.line(surface, colour, (x, legend_y + 8), (x + 22, legend_y + 8), 3)
        label = fonts.render(text, small, theme.muted)
        surface.blit(label, (x + 28, legend_y))
        x += 40 + label.get_width()
    tick_height = fonts.line_height(small)
    plot = pygame.Rect(
        rect.x + 36, legend_y + 26, rect.w - 84, rect.bottom - legend_y - 32 - 2 * tick_height
    )
    pygame.draw.rect(surface, theme.panel_edge, plot, 1)
    for value in (0, 50, 100):
        y = plot.bottom - plot.h * value / 100
        label = fonts.render(str(value), small, theme.satisfaction)
        surface.blit(label, (plot.x - label.get_width() - 6, y - label.get_height() // 2))
    for fraction in (0, 0.5, 1):
        y = plot.bottom - plot.h * fraction
        label = fonts.render(words.amount(cost_scale * fraction), small, theme.cost)
        surface.blit(label, (plot.right + 6, y - label.get_height() // 2))
    _dashed_line(
        surface,
        theme.satisfaction,
        (plot.x, round(plot.bottom - plot.h * target_satisfaction / 100)),
        (plot.right, round(plot.bottom - plot.h * target_satisfaction / 100)),
    )
    cost_target_y = round(plot.bottom - plot.h * min(1.0, target_cost / cost_scale))
    _dashed_line(surface, theme.cost, (plot.x, cost_target_y), (plot.right, cost_target_y))
    # The dashed lines say what they are: each meter's target, with its value.
    satisfaction_target_y = round(plot.bottom - plot.h * target_satisfaction / 100)
    for text, colour, y in (
        (
            words("chart.target_value", value=words.amount(target_satisfaction)),
            theme.satisfaction,
            satisfaction_target_y,
        ),
        (
            words("chart.target_value", value=f"{words.amount(target_cost)} {unit}"),
            theme.cost,
            cost_target_y,
        ),
    ):
        tag = fonts.render(text, small, colour, "bold")
        above = y - tag.get_height() - 2
        surface.blit(tag, (plot.right - tag.get_width() - 4, above if above > plot.y else y + 2))
    steps = max(1, len(satisfaction) - 1)
    for series, colour, scale in (
        (satisfaction, theme.satisfaction, 100.0),
        (cost, theme.cost, cost_scale),
    ):
        points = [
            (
                round(plot.x + plot.w * index / steps),
                round(plot.bottom - plot.h * min(1.0, value / scale)),
            )
            for index, value in enumerate(series)
        ]
        if len(points) > 1:
            pygame.draw.lines(surface, colour, False, points, 3)
        for point in points:
            pygame.draw.circle(surface, colour, point, 4)
    for index in range(len(satisfaction)):
        if index == 0 or index == len(satisfaction) - 1 or steps <= 12 or index % 2 == 0:
            label = fonts.render(
                words("chart.start") if index == 0 else str(index), small, theme.muted
            )
            surface.blit(
                label,
                (round(plot.x + plot.w * index / steps) - label.get_width() // 2, plot.bottom + 4),
            )
    axis = fonts.render(words("chart.decisions"), small, theme.muted, "italic")
    surface.blit(axis, (plot.centerx - axis.get_width() // 2, plot.bottom + 4 + tick_height))


def balance_plane(
    surface: pygame.Surface,
    rect: pygame.Rect,
    fonts: Fonts,
    theme: Theme,
    history: MeterHistory,
    words: Wording,
) -> None:
    """Where the outcome landed: satisfaction up, cost to the right, the target shaded."""
    satisfaction, cost, cost_scale, target_satisfaction, target_cost, cost_label, limit, unit = (
        astuple(history)
    )
    small = theme.size(13)
    title_bottom = _title(surface, rect, fonts, theme, words("chart.balance"))
    plot = pygame.Rect(
        rect.x + 36,
        title_bottom + 12,
        rect.w - 56,
        rect.bottom - title_bottom - 24 - 2 * fonts.line_height(theme.size(13)),
    )
    pygame.draw.rect(surface, theme.panel_edge, plot, 1)

    def to_screen(c: float, s: float) -> tuple[int, int]:
        return (
            round(plot.x + plot.w * min(1.0, c / cost_scale)),
            round(plot.bottom - plot.h * s / 100),
        )

    corner = to_screen(target_cost, target_satisfaction)
    region = pygame.Rect(plot.x, plot.y, corner[0] - plot.x, corner[1] - plot.y)
    shade = pygame.Surface(region.size, pygame.SRCALPHA)
    shade.fill((*theme.target, 50))
    surface.blit(shade, region.topleft)
    pygame.draw.rect(surface, theme.target, region, 2)
    label = fonts.render(words("chart.target"), small, theme.target, "bold")
    surface.blit(label, (region.x + 6, region.y + 4))
    trail = [to_screen(c, s) for c, s in zip(cost, satisfaction, strict=True)]
    if len(trail) > 1:
        pygame.draw.lines(surface, theme.muted, False, trail, 2)
    for point in trail[:-1]:
        pygame.draw.circle(surface, theme.muted, point, 3)
    if trail:
        pygame.draw.circle(surface, theme.accent, trail[-1], 9)
        pygame.draw.circle(surface, theme.panel, trail[-1], 4)
        you = fonts.render(words("chart.you"), small, theme.accent, "bold")
        position = (trail[-1][0] + 12, trail[-1][1] - you.get_height() // 2)
        if position[0] + you.get_width() > plot.right:
            position = (trail[-1][0] - 12 - you.get_width(), position[1])
        surface.blit(you, position)
    if limit < cost_scale:  # where cost stops earning points: the cost limit
        limit_x = to_screen(limit, 0)[0]
        _dashed_line(surface, theme.bad, (limit_x, plot.y), (limit_x, plot.bottom))
        mark = fonts.render(words("chart.limit"), small, theme.bad, "bold")
        surface.blit(mark, (limit_x - mark.get_width() - 4, plot.y + 4))
    # Cost numbers along the bottom: nothing, the target's edge, the limit, the axis' end.
    ticks = {0.0: "0", target_cost: words.amount(target_cost), limit: words.amount(limit)}
    ticks[cost_scale] = f"{words.amount(cost_scale)} {unit}"  # the axis' end carries the unit
    used_until = -1
    for value, text in sorted(ticks.items()):
        label = fonts.render(text, small, theme.muted)
        x = min(plot.right - label.get_width(), to_screen(value, 0)[0] - label.get_width() // 2)
        x = max(plot.x, x)
        if x > used_until:
            surface.blit(label, (x, plot.bottom + 4))
            used_until = x + label.get_width() + 6
    axis = fonts.render(words("chart.more_cost", cost=cost_label), small, theme.muted, "italic")
    surface.blit(axis, (plot.right - axis.get_width(), plot.bottom + 4 + fonts.line_height(small)))
    top = fonts.render("100", small, theme.muted)
    surface.blit(top, (plot.x - top.get_width() - 6, plot.y))
    bottom = fonts.render("0", small, theme.muted)
    surface.blit(bottom, (plot.x - bottom.get_width() - 6, plot.bottom - bottom.get_height()))
    name = pygame.transform.rotate(
        fonts.render(words("chart.satisfaction"), small, theme.muted), 90
    )
    if name.get_height() <= plot.h:  # on a short plot in large text, the ticks say enough
        surface.blit(name, (plot.x - name.get_width() - 8, plot.centery - name.get_height() // 2))


def _title(
    surface: pygame.Surface, rect: pygame.Rect, fonts: Fonts, theme: Theme, text: str
) -> int:
    """A chart's title on one line, shortened to fit beside the other chart; its bottom."""
    return draw_wrapped(
        surface, fonts, text, theme.size(16), theme.text, rect.x, rect.y, rect.w, "bold", 1
    )
