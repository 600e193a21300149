"""After the ending: what happened, the score and why, and what to try next time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from simulator.analysis.review import DecisionReview, review_decisions
from simulator.engine.session import SessionResult
from simulator.scenario.playable import PlayableScenario
from simulator.transcript import detail_sections, format_cost
from simulator.ui.background import BackgroundTask
from simulator.ui.input import Intent
from simulator.ui.playthrough import Playthrough
from simulator.ui.scene import Scene
from simulator.ui.widgets.basic import (
    Button,
    draw_button,
    draw_wrapped,
    layout_buttons,
    panel,
    wrapped_height,
)
from simulator.ui.widgets.charts import MeterHistory, balance_plane, meters_over_time
from simulator.wording import Wording

if TYPE_CHECKING:
    from simulator.ui.app import App

Block = tuple[int, Callable[[pygame.Surface, int, int, int], None]]
#: How long the debrief is on screen before its buttons answer: longer than a held key's
#: first repeat and a habitual second press, short enough to go unnoticed.
SETTLE_SECONDS = 0.8


class BackgroundReview(BackgroundTask[list[DecisionReview]]):
    def __init__(self, scenario: PlayableScenario, seed: int, decisions: tuple) -> None:
        super().__init__(lambda: review_decisions(scenario, seed, decisions))


class DebriefScene(Scene):
    """The score and what to learn from the play.

    A trainee often reaches it with a key still held or pressed again out of habit, so
    leaving takes a deliberate act: a button is focused first (arrows or Tab), and no
    button answers during the first moment on screen. The "better choice" review searches
    the scenario, so it runs beside the loop and fills in when ready.
    """

    def __init__(self, app: App, play: Playthrough) -> None:
        super().__init__(app)
        self.play = play
        result = play.session.result()
        assert result is not None, "the debrief follows an ending"
        self.result: SessionResult = result
        self.reviews: list[DecisionReview] | None = None
        self._review = BackgroundReview(play.scenario, play.session.state.seed, result.decisions)
        self.pass_mark = result.breakdown.pass_mark
        playlist = app.playlist
        for item in playlist.items if playlist is not None else []:
            if item.scenario_id == play.scenario.id:
                self.pass_mark = item.pass_mark  # the session's mark counts here
        self.passed = result.score >= self.pass_mark
        self.scroll = 0
        self.buttons = [
            Button(self.words("debrief.again"), "again"),
            Button(self.words("debrief.menu"), "menu"),
        ]
        self.selected: int | None = None  # no button has focus until the trainee gives it
        self.shown_for = 0.0
        self.content_height = 0
        self.view_height = 0
        self.decisions_block = 0  # where "Your decisions" starts, among the blocks
        self._laid_out: tuple[tuple[int, int, bool], list[Block]] = ((0, 0, False), [])
        self.unread = True  # the summary, for read aloud

    @property
    def words(self) -> Wording:
        return self.play.words

    @property
    def caption(self) -> str:
        return self.words("debrief.caption", title=self.play.scenario.title)

    @property
    def ready_to_leave(self) -> bool:
        return self.shown_for >= SETTLE_SECONDS

    def spoken(self) -> list[str]:
        """What read aloud says of the debrief: the ending, the score and verdict, and
        the main reason for the score (the rest is there to read at leisure)."""
        result, words = self.result, self.words
        verdict = words("debrief.passed" if self.passed else "debrief.not_passed")
        reasons = result.breakdown.explain(words, self.play.scenario.model.meters.cost.short_unit)
        return [
            words(f"debrief.kind.{result.ending_kind}"),
            result.ending_title,
            result.ending_text or "",
            words("debrief.spoken_score", score=result.score, grade=result.grade),
            words("debrief.pass_mark", verdict=verdict, mark=words.amount(self.pass_mark)),
            *reasons[:1],
        ]

    def update(self, seconds: float) -> None:
        if self.unread and self.app.voice.enabled and self.app.scene is self:
            self.unread = False
            language = self.play.language or self.play.scenario.model.language
            self.app.voice.say(self.spoken(), language)
        if self.shown_for < SETTLE_SECONDS:
            self.shown_for += seconds
        if self.reviews is None and self._review.wait(0):
            self._take_review()

    def wait_for_review(self, timeout: float | None = None) -> list[DecisionReview] | None:
        """The review, once the search beside the loop has finished (tests, screenshots)."""
        if self.reviews is None and self._review.wait(timeout):
            self._take_review()
        return self.reviews

    def _take_review(self) -> None:
        """Take the finished review in; if it failed, the decisions stand without hints."""
        found = self._review.value
        self.reviews = found or [DecisionReview.unreviewed(d) for d in self.result.decisions]
        self.app.invalidate()

    def handle(self, intent: Intent) -> None:
        if intent.kind == "scroll":
            self.scroll += intent.value * 50
        elif intent.kind == "move":
            self.scroll += intent.value * 60
        elif intent.kind in ("page", "skip"):
            step = max(100, self.view_height - 60)
            self.scroll += (intent.value if intent.kind == "page" else 1) * step
        elif intent.kind == "adjust":
            if self.selected is None:
                self.selected = 0 if intent.value > 0 else len(self.buttons) - 1
            else:
                self.selected = (self.selected + intent.value) % len(self.buttons)
        elif intent.kind == "confirm":
            if self.selected is None:
                # "Back to menu": Enter, Enter out of habit leaves; it never starts and
                # records a new play unasked ("Play again" takes an arrow to reach).
                self.selected = len(self.buttons) - 1
            elif self.ready_to_leave:
                self.act(self.buttons[self.selected].action)
        elif intent.kind == "back":
            self.selected = len(self.buttons) - 1  # focus "Back to menu"; Enter then goes
        elif intent.kind == "click" and self.ready_to_leave:
            for button in self.buttons:
                if button.hit(intent.position):
                    self.act(button.action)
        elif intent.kind == "hover":
            for index, button in enumerate(self.buttons):
                if button.hit(intent.position) and self.selected != index:
                    self.selected = index
                    self.app.invalidate()

    def act(self, action: str) -> None:
        if action == "again":
            self.app.go("dialogue", self.play.restart(), how="replace")
        else:
            self.app.go("menu", how="reset")

    # ------------------------------------------------------------ drawing

    def _series(self) -> tuple[list[float], list[float]]:
        decisions = self.result.decisions
        model = self.play.scenario.model
        satisfaction = [
            decisions[0].satisfaction_before if decisions else model.meters.satisfaction.start
        ]
        cost = [decisions[0].cost_before if decisions else model.meters.cost.start]
        for decision in decisions:
            satisfaction.append(decision.satisfaction_after)
            cost.append(decision.cost_after)
        satisfaction[-1], cost[-1] = self.result.satisfaction, self.result.cost
        return satisfaction, cost

    def _blocks(self, width: int) -> list[Block]:
        app, theme, result = self.app, self.app.theme, self.result
        fonts = app.fonts
        breakdown = result.breakdown
        model = self.play.scenario.model
        blocks: list[Block] = []

        words = self.words
        kind = words(f"debrief.kind.{result.ending_kind}")
        # A long ending title wraps (Hungarian titles in a small window with large text).
        title_height = wrapped_height(fonts, result.ending_title, theme.size(32), width, "bold")
        text_height = (
            wrapped_height(fonts, result.ending_text, theme.size(19), width)
            if result.ending_text
            else 0
        )

        def heading(surface: pygame.Surface, x: int, y: int, w: int) -> None:
            colour = {"balanced": theme.good, "lost": theme.bad}.get(result.ending_kind, theme.cost)
            badge = fonts.render(kind.upper(), theme.size(14), theme.accent_text, "bold")
            box = badge.get_rect(topleft=(x, y)).inflate(16, 6)
            box.topleft = (x, y)
            pygame.draw.rect(surface, colour, box, border_radius=6)
            surface.blit(badge, badge.get_rect(center=box.center))
            draw_wrapped(
                surface,
                fonts,
                result.ending_title,
                theme.size(32),
                theme.text,
                x,
                y + box.h + 6,
                w,
                "bold",
            )
            if result.ending_text:
                draw_wrapped(
                    surface,
                    fonts,
                    result.ending_text,
                    theme.size(19),
                    theme.text,
                    x,
                    y + box.h + 6 + title_height + 4,
                    w,
                )

        badge_height = fonts.line_height(theme.size(14), "bold") + 6
        blocks.append((badge_height + 6 + title_height + 4 + text_height, heading))

        unit = model.meters.cost.short_unit
        explanation = breakdown.explain(words, unit)
        # The score and the verdict on the left, why beside them: all of it above the fold,
        # with the charts, at 1280x720. In a narrow window the reasons go underneath.
        big = fonts.render(f"{result.score}", theme.size(44), theme.accent, "bold")
        rest = fonts.render(f"/ 100   {result.grade}", theme.size(24), theme.text, "bold")
        # In an onboarding session the session's pass mark counts, not the scenario's.
        verdict_text = words(
            "debrief.pass_mark",
            verdict=words("debrief.passed" if self.passed else "debrief.not_passed"),
            mark=words.amount(self.pass_mark),
        )
        verdict = fonts.render(
            verdict_text, theme.size(17), theme.good if self.passed else theme.bad, "bold"
        )
        left_width = max(big.get_width() + 10 + rest.get_width(), verdict.get_width())
        left_height = big.get_height() + 4 + verdict.get_height()
        beside = width - left_width - 36 >= 320
        reasons_x = left_width + 36 if beside else 0
        reasons_width = width - reasons_x
        reason_size = theme.size(16)
        reasons_height = sum(
            wrapped_height(fonts, line, reason_size, reasons_width) for line in explanation
        )
        score_height = (
            max(left_height, reasons_height) if beside else left_height + 10 + reasons_height
        )

        def score(surface: pygame.Surface, x: int, y: int, w: int) -> None:
            surface.blit(big, (x, y))
            surface.blit(
                rest, (x + big.get_width() + 10, y + big.get_height() - rest.get_height() - 6)
            )
            surface.blit(verdict, (x, y + big.get_height() + 4))
            line_y = y if beside else y + left_height + 10
            for index, line in enumerate(explanation):
                colour = theme.text if index == 0 else theme.muted  # the main reason first
                line_y = draw_wrapped(
                    surface, fonts, line, reason_size, colour, x + reasons_x, line_y, reasons_width
                )

        blocks.append((score_height, score))

        satisfaction, cost = self._series()
        cost_scale = max(model.scoring.cost_limit, max(cost) if cost else 0) or 1.0
        cost_label = f"{model.meters.cost.label} ({unit})"
        side_by_side = width >= 880
        chart_height = 250 if side_by_side else 280

        history = MeterHistory(
            satisfaction,
            cost,
            cost_scale,
            breakdown.target_satisfaction,
            breakdown.target_cost,
            cost_label,
            model.scoring.cost_limit,
            unit,
        )

        def charts(surface: pygame.Surface, x: int, y: int, w: int) -> None:
            if side_by_side:  # the two charts next to each other, else one under the other
                half = (w - 24) // 2
                first = pygame.Rect(x, y, half, chart_height)
                second = pygame.Rect(x + half + 24, y, half, chart_height)
            else:
                first = pygame.Rect(x, y, w, chart_height)
                second = pygame.Rect(x, y + chart_height + 20, w, chart_height)
            meters_over_time(surface, first, fonts, theme, history, words)
            balance_plane(surface, second, fonts, theme, history, words)

        blocks.append((chart_height if side_by_side else 2 * chart_height + 20, charts))
        for heading_key, details in detail_sections(result, self.play.session):
            blocks.append(self._details_block(words(heading_key), details, width))

        header_height = fonts.line_height(theme.size(22), "bold")

        def decisions_heading(surface: pygame.Surface, x: int, y: int, w: int) -> None:
            heading = fonts.render(
                words("debrief.your_decisions"), theme.size(22), theme.text, "bold"
            )
            surface.blit(heading, (x, y))

        self.decisions_block = len(blocks)
        blocks.append((header_height, decisions_heading))
        if self.reviews is None:
            blocks.append(self._note_block(words("debrief.reviewing"), width))
        lessons = model.lessons
        reviews = self.reviews or [DecisionReview.unreviewed(d) for d in result.decisions]
        for number, review in enumerate(reviews, start=1):
            blocks.append(self._decision_block(number, review, width, lessons))
        return blocks

    def _details_block(self, heading: str, details: list[str], width: int) -> Block:
        """A heading and a line per item: what the cost is made of, the values shown."""
        fonts, theme = self.app.fonts, self.app.theme
        size = theme.size(17)
        heading_height = fonts.line_height(theme.size(19), "bold")
        height = heading_height + 4 + sum(wrapped_height(fonts, d, size, width) for d in details)

        def draw(surface: pygame.Surface, x: int, y: int, w: int) -> None:
            surface.blit(fonts.render(heading, theme.size(19), theme.text, "bold"), (x, y))
            line_y = y + heading_height + 4
            for detail in details:
                line_y = draw_wrapped(surface, fonts, detail, size, theme.text, x, line_y, w)

        return height, draw

    def _note_block(self, text: str, width: int) -> Block:
        fonts, theme = self.app.fonts, self.app.theme
        height = wrapped_height(fonts, text, theme.size(16), width, "italic")

        def draw(surface: pygame.Surface, x: int, y: int, w: int) -> None:
            draw_wrapped(surface, fonts, text, theme.size(16), theme.muted, x, y, w, "italic")

        return height, draw

    def _decision_block(
        self, number: int, review: DecisionReview, width: int, lessons: dict
    ) -> Block:
        fonts, theme, words = self.app.fonts, self.app.theme, self.words
        decision = review.decision
        inner = width - 40
        text = words("play.no_answer") if decision.timed_out else decision.text
        said = f"{number}. {text}"
        cost_text = format_cost(self.play.session, decision.cost_delta)
        deltas = words(
            "debrief.deltas",
            satisfaction=words.amount(decision.satisfaction_delta, signed=True),
            cost=f"{'+' if decision.cost_delta >= 0 else ''}{cost_text}",
        )
        parts: list[tuple[str, int, object, str]] = []

        def add(text: str, size: int, colour: object, style: str = "regular") -> None:
            parts.append((text, theme.size(size), colour, style))

        add(said, 18, theme.text, "bold")
        if review.verdict is not None:
            colour = {"well-judged": theme.good, "costly": theme.bad}.get(
                review.verdict, theme.cost
            )
            add(words(f"debrief.verdict.{review.verdict}"), 15, colour, "bold")
        add(deltas, 15, theme.muted)
        if decision.critical:
            add(words("score.critical", reason=decision.critical), 17, theme.bad, "bold")
        if decision.feedback:
            add(decision.feedback, 17, theme.text)
        if decision.lesson and decision.lesson in lessons:
            add(
                words("debrief.lesson", title=lessons[decision.lesson].title),
                16,
                theme.accent,
                "bold",
            )
        if review.better_text:
            add(words("debrief.better", text=review.better_text), 16, theme.good, "italic")
            why = review.better_feedback
            if review.better_lesson in lessons:
                title = lessons[review.better_lesson].title
                why = f"{why} ({words('debrief.lesson', title=title)})" if why else title
            if why:
                add(why, 16, theme.muted, "italic")
        height = (
            sum(
                wrapped_height(fonts, text, size, inner, style) + 4
                for text, size, _, style in parts
            )
            + 24
        )

        def draw(surface: pygame.Surface, x: int, y: int, w: int) -> None:
            box = pygame.Rect(x, y, w, height)
            pygame.draw.rect(surface, theme.choice, box, border_radius=10)
            line_y = y + 12
            for text, size, colour, style in parts:
                line_y = (
                    draw_wrapped(surface, fonts, text, size, colour, x + 20, line_y, inner, style)
                    + 4
                )

        return height, draw

    def draw(self, surface: pygame.Surface) -> None:
        app, theme = self.app, self.app.theme
        width, height = surface.get_size()
        surface.fill(theme.background)
        margin = 30 if width >= 1100 else 16
        footer = app.fonts.line_height(theme.size(18), "bold") + 40
        page = pygame.Rect(margin, margin, width - 2 * margin, height - 2 * margin - footer)
        panel(surface, page, theme)
        content = page.inflate(-48, -36)
        key = (content.w, id(theme), self.reviews is not None)
        if self._laid_out[0] != key:  # once per width, not per scroll step
            self._laid_out = (key, self._blocks(content.w))
        blocks = self._laid_out[1]
        gap = 22
        self.content_height = sum(h for h, _ in blocks) + gap * (len(blocks) - 1)
        self.view_height = content.h
        self.scroll = max(0, min(self.scroll, self.content_height - content.h))
        clip = surface.get_clip()
        surface.set_clip(content)
        y = content.y - self.scroll
        for block_height, draw_block in blocks:
            if y + block_height >= content.y and y <= content.bottom:
                draw_block(surface, content.x, y, content.w)
            y += block_height + gap
        surface.set_clip(clip)
        decisions_at = sum(h + gap for h, _ in blocks[: self.decisions_block])
        if self.content_height > content.h:
            track = pygame.Rect(page.right - 10, content.y, 4, content.h)
            pygame.draw.rect(surface, theme.panel_edge, track, border_radius=2)
            thumb = max(30, round(content.h * content.h / self.content_height))
            top = content.y + round(
                (content.h - thumb) * self.scroll / (self.content_height - content.h)
            )
            pygame.draw.rect(surface, theme.accent, (track.x, top, 4, thumb), border_radius=2)
        layout_buttons(self.buttons, app.fonts, theme, width - margin, height - footer + 8)
        for index, button in enumerate(self.buttons):
            draw_button(surface, button, app.fonts, theme, highlighted=index == self.selected)
        hint = None
        if self.scroll + content.h < decisions_at + 40:  # until the decisions come into view
            hint = self.words("debrief.scroll_hint")
        elif self.selected is None:
            hint = self.words("debrief.keys")
        if hint is not None:  # beside the buttons, wrapped there with large text
            room = min(button.rect.x for button in self.buttons) - 16 - margin
            size, colour = theme.size(14), (200, 205, 215)
            one_line = len(app.fonts.wrap(hint, size, colour, room)) == 1  # wraps are cached
            y = height - footer + (14 if one_line else 6)
            draw_wrapped(surface, app.fonts, hint, size, colour, margin, y, room, max_lines=2)
