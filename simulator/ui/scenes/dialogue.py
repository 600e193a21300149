"""The conversation: portrait, what is said, the meters and clock, and the trainee's choices."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import pygame

from simulator.analysis.review import prepare_review
from simulator.engine.events import ChoiceMade, EpisodeStarted, LineShown, TimerExpired
from simulator.engine.session import ChoiceView, ClockView, Status
from simulator.transcript import format_cost
from simulator.ui.background import BackgroundTask
from simulator.ui.input import TO_THE_END, Intent
from simulator.ui.layout import dialogue_layout
from simulator.ui.playthrough import Playthrough
from simulator.ui.scene import Scene
from simulator.ui.widgets.basic import draw_meter, draw_wrapped, panel, wrapped_height
from simulator.wording import Wording

if TYPE_CHECKING:
    from simulator.records.store import StoreError
    from simulator.ui.app import App

#: The narrowest a meter in the top bar is drawn (its label is cut to fit).
MIN_METER_WIDTH = 120
CHARACTERS_PER_SECOND = {"slow": 22.0, "normal": 45.0, "fast": 110.0, "instant": float("inf")}
MOOD_FADE_SECONDS = 0.35


@dataclass
class ShownLine:
    speaker: str | None
    speaker_name: str | None
    mood: str | None
    text: str


@dataclass
class ChoiceBox:
    view: ChoiceView
    rect: pygame.Rect


class DialogueScene(Scene):
    def __init__(self, app: App, play: Playthrough) -> None:
        super().__init__(app)
        self.play = play
        self.lines: list[ShownLine] = []
        self.last_said: str | None = None
        self.revealed = 0.0
        self.selected = 0
        self.hovered: int | None = None
        self.choice_boxes: list[ChoiceBox] = []
        self.continue_rect = pygame.Rect(0, 0, 0, 0)
        self.choice_scroll = 0
        # How far the speech panel is scrolled back from its newest text (wheel over it).
        self.speech_scroll = 0
        self.speech_overflow = 0  # how much of the panel's text does not fit, as last drawn
        self._speech_rect = pygame.Rect(0, 0, 0, 0)
        self.portrait_character = self._default_character()
        self.portrait_mood: str | None = None
        self.previous_portrait: tuple[str, str | None] | None = None
        self.fade = 0.0
        self.finished = False
        self.pending_card: EpisodeStarted | None = None
        # The reaction to a choice that leads into a new episode is shown first; the
        # episode's card waits for the trainee to go on.
        self.holding = False
        # The clock as last drawn: while the reaction shows, the story has not moved on.
        self.shown_clock: ClockView | None = None
        self.shown_moods: dict[str, str | None] = {}  # each face as last drawn
        self.meters_shown = 0  # in the top bar, as last drawn
        # The not-recorded note as last drawn: (lines given, lines its text needs).
        self.note_lines: tuple[int, int] | None = None
        self._last_typing: tuple[pygame.Rect | None, tuple] = (None, ())
        self._typing_area: pygame.Rect | None = None
        self.unread = False  # new words the voice has not read yet (read aloud)
        # The debrief's review searches the scenario; done now, beside the loop, while the
        # trainee reads, its marks are ready the moment the debrief opens.
        self.preparing = BackgroundTask(partial(prepare_review, play.scenario))
        self.take_new_events()

    # ------------------------------------------------------------ state

    @property
    def session(self):
        return self.play.session

    @property
    def words(self) -> Wording:
        return self.play.words

    def _default_character(self) -> str | None:
        for key, character in self.play.scenario.characters.items():
            if character.role.value == "customer":
                return key
        return next(iter(self.play.scenario.characters), None)

    def take_new_events(self, fresh: bool = False) -> None:
        """Read what the session did since last time (pull, never pushed to us). A
        ``fresh`` step (after a take-back) starts the screen anew even with nothing new."""
        events = self.session.events
        seen = self.play.events_seen
        new = events[seen:]
        self.play.events_seen = len(events)
        if not new and not fresh:
            return
        if fresh:
            self.last_said = None
        card_at = next(
            (index for index, event in enumerate(new) if isinstance(event, EpisodeStarted)), None
        )
        self.holding = card_at is not None and any(
            isinstance(event, (ChoiceMade, TimerExpired)) for event in new[:card_at]
        )
        if self.holding:  # the reaction now; the card and what follows it on going on
            new = new[:card_at]
            self.play.events_seen = seen + card_at
        fresh_lines: list[ShownLine] = []
        card: EpisodeStarted | None = None
        characters = self.play.scenario.characters
        for event in new:
            if isinstance(event, EpisodeStarted):
                card = event
                fresh_lines = []
            elif isinstance(event, LineShown):
                character = characters.get(event.speaker or "")
                fresh_lines.append(
                    ShownLine(
                        event.speaker, character.name if character else None, event.mood, event.text
                    )
                )
            elif isinstance(event, ChoiceMade):
                self.last_said = event.text
                fresh_lines = []
            elif isinstance(event, TimerExpired):
                self.last_said = self.words("play.time_up")
                fresh_lines = []
        if card is not None:
            self.last_said = None
        self.lines = fresh_lines
        self.revealed = 0.0 if self.app.settings.text_speed != "instant" else float("inf")
        self.selected = 0
        self.choice_scroll = 0
        self.speech_scroll = 0
        if self.session.status is Status.ENDED or self.session.status is Status.STUCK:
            self.finished = True
        self.pending_card = card
        self.unread = True
        # The key that answered is still down: held, it must not answer what comes next.
        self.app.hold_keys_over()

    @property
    def total_characters(self) -> int:
        return sum(len(line.text) for line in self.lines)

    @property
    def caption(self) -> str:
        return self.play.scenario.title

    def entered(self) -> None:
        self.unread = True  # back from the pause or the history: read where the play is

    def spoken(self) -> list[str]:
        """What read aloud says of this step: a timeout, each line after its speaker's
        name, then the choices that can be taken, each with the number that picks it."""
        said = [self.last_said] if self.last_said == self.words("play.time_up") else []
        said += [
            f"{line.speaker_name}: {line.text}" if line.speaker_name else line.text
            for line in self.lines
        ]
        if self.session.status is Status.WAITING_FOR_CHOICE and not self.holding:
            said += [
                f"{view.number}: {view.text}" for view in self.session.choices if view.available
            ]
        return said

    @property
    def typing(self) -> bool:  # type: ignore[override]
        return False

    @property
    def typing_done(self) -> bool:
        return self.revealed >= self.total_characters

    @property
    def animating(self) -> bool:
        return (
            not self.typing_done
            or self.fade > 0
            or self.session.timer is not None
            or self.finished
            or self.pending_card is not None
        )

    # ------------------------------------------------------------ input

    def handle(self, intent: Intent) -> None:
        if self.pending_card is not None:
            return  # the episode card comes first
        if intent.kind == "back":
            self.app.go("pause", self)
            return
        if intent.kind == "backlog" or (intent.kind == "page" and intent.value < 0):
            self.app.go("history", self.play)
            return
        if intent.kind == "scroll" and (
            abs(intent.value) >= TO_THE_END or self._speech_rect.collidepoint(intent.position)
        ):
            # The wheel over the panel, or Home and End: back through what was said here
            # (nothing unseen is ever scrolled away).
            self.speech_scroll = max(
                0, min(self.speech_overflow, self.speech_scroll - 40 * intent.value)
            )
            return
        if intent.kind == "take_back":
            self.take_back()
            return
        if not self.typing_done:
            if intent.kind in ("confirm", "skip", "click", "choose"):
                self.revealed = float("inf")
            return
        status = self.session.status
        if self.holding or status is Status.WAITING_FOR_CONTINUE:
            if intent.kind in ("confirm", "skip") or (
                intent.kind == "click" and self._in_speech_or_button(intent.position)
            ):
                if not self.holding:
                    self.play.continue_()
                self.take_new_events()
            return
        if status is not Status.WAITING_FOR_CHOICE:
            return
        views = self.session.choices
        if intent.kind == "choose":
            self._pick(intent.value)
        elif intent.kind in ("move", "adjust") and views:
            self.selected = (self.selected + intent.value) % len(views)
            self._keep_selected_visible()
        elif intent.kind == "confirm" and views:
            self._pick(self.selected + 1)
        elif intent.kind in ("scroll", "page"):
            step = 40 if intent.kind == "scroll" else self._choice_area.h
            self.choice_scroll = max(0, self.choice_scroll + intent.value * step)
        elif intent.kind == "hover":
            index = self._choice_at(intent.position)
            if index != self.hovered:
                self.hovered = index
                if index is not None:
                    self.selected = index
                self.app.invalidate()
        elif intent.kind == "click":
            index = self._choice_at(intent.position)
            if index is not None:
                self._pick(index + 1)

    def _in_speech_or_button(self, position: tuple[int, int]) -> bool:
        return (
            self.continue_rect.collidepoint(position)
            or position[0] > self.app.screen.get_width() * 0.3
        )

    def _choice_at(self, position: tuple[int, int]) -> int | None:
        for index, box in enumerate(self.choice_boxes):
            if box.rect.collidepoint(position):
                return index
        return None

    def take_back(self) -> None:
        """Practice: back to the question of the last decision, to answer it again. The
        screen starts afresh from there, even where the question shows no new lines."""
        if self.play.take_back():
            self.take_new_events(fresh=True)

    def _pick(self, number: int) -> None:
        view = self.session.choice_by_number(number)
        if view is None or not view.available:
            return
        self.play.choose(view.id)
        self.take_new_events()

    def _keep_selected_visible(self) -> None:
        """Scroll the choices so that the selected one shows whole (or its top, when it
        is taller than the room). By its place in the list as laid out, not by its box on
        screen: that is cut to what shows, and nothing of a choice out of sight."""
        area = self._choice_area
        heights = self._choice_layout(area.w) if area.w else []  # as drawn (wraps are cached)
        if 0 <= self.selected < len(heights):
            offset = sum(heights[: self.selected]) + 10 * self.selected
            height, room = heights[self.selected], area.h
            if offset < self.choice_scroll or height > room:
                self.choice_scroll = offset
            elif offset + height > self.choice_scroll + room:
                self.choice_scroll = offset + height - room

    # ------------------------------------------------------------ time

    def update(self, seconds: float) -> None:
        if self.pending_card is not None and self.app.scene is self:
            card, self.pending_card = self.pending_card, None
            self.app.go("episode", self.play, card)
            return
        if self.finished:
            self.finished = False
            self.app.go("debrief", self.play, how="replace")
            return
        if self.unread and self.app.voice.enabled and self.app.scene is self:
            self.unread = False
            self.app.voice.say(
                self.spoken(), self.play.language or self.play.scenario.model.language
            )
        if not self.typing_done:
            speed = CHARACTERS_PER_SECOND[self.app.settings.text_speed]
            self.revealed += speed * seconds  # drawn as an animation, not a full redraw
        if self.fade > 0:
            self.fade = max(0.0, self.fade - seconds)
            self.app.invalidate()
        if (
            self.typing_done
            and not self.holding
            and self.session.timer is not None
            and self.app.scene is self
        ):
            self.play.tick(seconds)
            self.app.invalidate()
            if (
                self.session.status is not Status.WAITING_FOR_CHOICE
                or (self.session.events[self.play.events_seen :])
            ):
                self.take_new_events()

    # ------------------------------------------------------------ drawing

    def _current_portrait(self) -> tuple[str | None, str | None]:
        """The customer facing the trainee; a colleague only when no customer speaks."""
        characters = self.play.scenario.characters
        speakers = [
            line
            for line in self._revealed_lines()
            if line.speaker is not None and line.speaker in characters
        ]
        customers = [
            line for line in speakers if characters[line.speaker or ""].role.value == "customer"
        ]
        moods = self.session.state.moods
        for candidates in (customers, speakers):
            if candidates:
                line = candidates[-1]
                return line.speaker, line.mood or moods.get(line.speaker or "")
        # Nobody has spoken yet in this step: the face stays as it was, not as the lines
        # still to come will leave it (the session has already taken in their moods).
        # A colleague with nothing more to say here has left: the customer is back.
        character = self.portrait_character
        if (
            character in characters
            and characters[character or ""].role.value != "customer"
            and all(line.speaker != character for line in self.lines)
            and (customer := self._default_character()) is not None
            and characters[customer].role.value == "customer"
        ):
            return customer, self.shown_moods.get(customer, characters[customer].mood)
        if self.portrait_mood is not None:
            return character, self.portrait_mood
        return character, moods.get(character or "")

    def _revealed_lines(self) -> list[ShownLine]:
        result = []
        remaining = self.revealed
        for line in self.lines:
            if remaining <= 0:
                break
            result.append(line)
            remaining -= len(line.text)
        return result

    def draw(self, surface: pygame.Surface) -> None:
        app = self.app
        theme = app.theme
        width, height = surface.get_size()
        layout = dialogue_layout(width, height, theme.scale)
        surface.fill(theme.background)
        self._draw_top_bar(surface, pygame.Rect(layout.top_bar.as_tuple()))
        self._draw_portrait(surface, pygame.Rect(layout.portrait.as_tuple()))
        column = pygame.Rect(layout.column.as_tuple())
        showing = (
            self.session.status is Status.WAITING_FOR_CHOICE
            and self.typing_done
            and not self.holding
        )
        heights = self._choice_layout(column.w) if showing else []  # once per frame
        choices_height = self._choices_height(column, heights) if showing else 0
        speech = pygame.Rect(column.x, column.y, column.w, column.h - choices_height)
        self._draw_speech(surface, speech)
        self._draw_choices(
            surface, pygame.Rect(column.x, speech.bottom, column.w, choices_height), heights
        )

    def _draw_top_bar(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        app, theme = self.app, self.app.theme
        pygame.draw.rect(surface, (20, 24, 32) if theme.panel != (0, 0, 0) else (0, 0, 0), rect)
        pygame.draw.line(surface, theme.panel_edge, rect.bottomleft, rect.bottomright, 2)
        margin = 16
        meters = self.play.scenario.model.meters
        slots = []
        if meters.cost.visible:
            slots.append(("cost", meters.cost.label))
        if meters.satisfaction.visible:
            slots.append(("satisfaction", meters.satisfaction.label))
        clock = self.shown_clock if self.holding else self.session.clock
        self.shown_clock = clock
        when = None
        if clock is not None:
            when = app.fonts.render(
                self._clock_text(clock.day, clock.day_name, clock.time_text),
                theme.size(18),
                (255, 225, 150),
                "bold",
            )
        # The meters and the clock are what the trainee plays by; the title, known from
        # the menu, gives way first (cut with "…"), so that no meter is ever left out.
        needed = len(slots) * (MIN_METER_WIDTH + 16) + (when.get_width() + 24 if when else 0)
        room = rect.w - 2 * margin - needed - 24
        title_text = app.fonts.shortened(self.play.scenario.title, theme.size(20), room, "bold")
        x = margin
        if title_text:
            title = app.fonts.render(title_text, theme.size(20), (240, 240, 245), "bold")
            surface.blit(title, (margin, rect.centery - title.get_height() // 2))
            x += title.get_width() + 24
        if when is not None:
            surface.blit(when, (x, rect.centery - when.get_height() // 2))
            x += when.get_width() + 24
        hint = app.fonts.render(self._keys_hint(), theme.size(13), (170, 176, 190))
        right = rect.right - margin
        meter_width = max(MIN_METER_WIDTH, min(220, (rect.w - x - hint.get_width() - 60) // 2))
        if hint.get_width() + 16 < right - x - len(slots) * (meter_width + 16):
            surface.blit(hint, (right - hint.get_width(), rect.centery - hint.get_height() // 2))
            right -= hint.get_width() + 24
        self.meters_shown = 0
        for kind, label in slots:
            box = pygame.Rect(right - meter_width, rect.y + 7, meter_width, rect.h - 14)
            if box.x < x:
                break
            self.meters_shown += 1
            if kind == "satisfaction":
                value = self.session.satisfaction
                draw_meter(
                    surface,
                    app.fonts,
                    theme,
                    box,
                    label,
                    value / 100,
                    self.words.amount(value),
                    theme.satisfaction,
                )
            else:
                cost = self.session.cost
                limit = self.play.scenario.model.scoring.cost_limit
                draw_meter(
                    surface,
                    app.fonts,
                    theme,
                    box,
                    label,
                    cost / limit,
                    format_cost(self.session, cost),
                    theme.cost,
                )
            right = box.x - 16

    def _keys_hint(self) -> str:
        """The keys worth knowing here: always pause and history; Home when the panel
        holds more than it shows; Backspace when an answer can be taken back."""
        hints = [self.words("play.keys")]
        if self.speech_overflow:
            hints.append(self.words("play.keys_scroll"))
        if self.play.can_take_back:
            hints.append(self.words("play.keys_take_back"))
        return "   ".join(hints)

    def _clock_text(self, day: int, day_name: str, time_text: str) -> str:
        """The day and time, saying how long since the story began once weeks have passed
        (a weekday alone would read as the same week)."""
        first = self.play.scenario.model.clock
        passed = day - (first.day if first is not None else day)
        if passed >= 28:
            since = self.words("clock.months_later", months=max(1, round(passed / 30)))
        elif passed >= 7:
            since = self.words("clock.weeks_later", weeks=passed // 7)
        else:
            return f"{day_name}  {time_text}"
        return f"{day_name}  {time_text}  ·  {since}"

    def _draw_portrait(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        app, theme = self.app, self.app.theme
        panel(surface, rect, theme)
        character, mood = self._current_portrait()
        if character is None:
            return
        if (character, mood) != (self.portrait_character, self.portrait_mood):
            if self.portrait_mood is not None and not app.settings.reduced_motion:
                self.previous_portrait = (self.portrait_character or "", self.portrait_mood)
                self.fade = MOOD_FADE_SECONDS
            self.portrait_character, self.portrait_mood = character, mood
        self.shown_moods[character] = mood
        size = min(rect.w - 32, rect.h - 120)
        size = max(80, size)
        looks = list(self.play.scenario.characters)
        look = looks.index(character) if character in looks else -1
        image = app.portraits.get(character, mood, size, app.settings.high_contrast, look)
        position = (rect.centerx - size // 2, rect.y + 16)
        surface.blit(image, position)
        if self.fade > 0 and self.previous_portrait is not None:
            previous, old_mood = self.previous_portrait
            old_look = looks.index(previous) if previous in looks else -1
            old = app.portraits.get(previous, old_mood, size, app.settings.high_contrast, old_look)
            faded = old.copy()
            faded.set_alpha(round(255 * self.fade / MOOD_FADE_SECONDS))
            surface.blit(faded, position)
        details = self.play.scenario.characters[character]
        y = position[1] + size + 10
        name = app.fonts.render(details.name, theme.size(20), theme.text, "bold")
        surface.blit(name, (rect.centerx - name.get_width() // 2, y))
        y += name.get_height()
        if mood:
            shown = self.play.scenario.mood_labels.get(mood, mood)
            label = app.fonts.render(shown, theme.size(16), theme.muted, "italic")
            surface.blit(label, (rect.centerx - label.get_width() // 2, y))
            y += label.get_height()
        bottom = rect.bottom  # what the description may use, above any recording note
        note = self.recording_note(rect, y)
        self.note_lines = None if note is None else (note[2], note[3])  # given, needed
        if note is not None:
            text, top, most, _ = note
            draw_wrapped(
                surface,
                app.fonts,
                text,
                theme.size(14),
                theme.bad,
                rect.x + 20,
                top,
                rect.w - 40,
                max_lines=most,
            )
            bottom = top - 6
        if details.description and bottom - y > 60:
            pygame.draw.line(
                surface, theme.panel_edge, (rect.x + 20, y + 10), (rect.right - 20, y + 10), 1
            )
            room = (bottom - y - 34) // app.fonts.line_height(theme.size(15))
            draw_wrapped(
                surface,
                app.fonts,
                details.description,
                theme.size(15),
                theme.muted,
                rect.x + 20,
                y + 20,
                rect.w - 40,
                max_lines=max(1, room),
            )

    def _draw_speech(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        app, theme = self.app, self.app.theme
        if not self.lines and not self.last_said:
            self._typing_area = None
            return  # nothing is said here: no empty panel
        panel(surface, rect, theme)
        inner = rect.inflate(-36, -28)
        size = theme.size(21)
        name_size = theme.size(18)
        line_height = app.fonts.line_height(size)
        blocks: list[tuple[str, object]] = []
        if self.last_said:
            blocks.append(("said", self.last_said))
        remaining = self.revealed
        for line in self.lines:
            if remaining <= 0:
                break
            visible = len(line.text) if remaining >= len(line.text) else int(remaining)
            blocks.append(("line", (line, visible)))
            remaining -= len(line.text)
        heights = [self._block_height(kind, data, inner.w) for kind, data in blocks]
        total = sum(heights) + 14 * max(0, len(blocks) - 1)
        self._speech_rect = rect
        self.speech_overflow = max(0, total - inner.h)
        self.speech_scroll = min(self.speech_scroll, self.speech_overflow)
        # The newest text in view, unless the trainee scrolled back to read earlier lines.
        y = inner.y - self.speech_overflow + self.speech_scroll
        typing_line: pygame.Rect | None = None
        layout = (y, rect.size, len(blocks))
        clip = surface.get_clip()
        surface.set_clip(inner)
        for kind, data in blocks:
            if kind == "said":
                y = draw_wrapped(
                    surface,
                    app.fonts,
                    self._said_text(str(data)),
                    theme.size(17),
                    theme.muted,
                    inner.x,
                    y,
                    inner.w,
                    "italic",
                )
            else:
                line, visible = data  # type: ignore[misc]
                if line.speaker_name:
                    name = app.fonts.render(line.speaker_name, name_size, theme.accent, "bold")
                    surface.blit(name, (inner.x, y))
                    y += name.get_height()
                style = "regular" if line.speaker_name else "italic"
                wrapped = app.fonts.wrap(line.text, size, theme.text, inner.w, style)
                for part in wrapped:
                    shown = visible - part.start
                    if shown <= 0:
                        break
                    if shown >= len(part.text):
                        surface.blit(part.surface, (inner.x, y))
                    else:
                        typing_line = pygame.Rect(inner.x, y, inner.w, line_height)
                        cut = app.fonts.prefix_width(part.text, shown, size, style)
                        surface.blit(
                            part.surface, (inner.x, y), pygame.Rect(0, 0, cut, line_height)
                        )
                    y += line_height
            y += 14
        surface.set_clip(clip)
        self._typing_area = self._typing_change(typing_line, layout, rect)
        if self.speech_overflow:  # a scroll bar: there is more than the panel shows
            track = pygame.Rect(rect.right - 9, inner.y, 4, inner.h)
            pygame.draw.rect(surface, theme.panel_edge, track, border_radius=2)
            thumb = max(20, round(inner.h * inner.h / total))
            top = track.y + round(
                (inner.h - thumb) * (1 - self.speech_scroll / self.speech_overflow)
            )
            pygame.draw.rect(surface, theme.accent, (track.x, top, 4, thumb), border_radius=2)
        if self.typing_done and (
            self.holding or self.session.status is Status.WAITING_FOR_CONTINUE
        ):
            label = app.fonts.render(
                self.words("play.continue"), theme.size(18), theme.accent_text, "bold"
            )
            self.continue_rect = label.get_rect(bottomright=(rect.right - 20, rect.bottom - 14))
            self.continue_rect.inflate_ip(24, 12)
            pygame.draw.rect(surface, theme.accent, self.continue_rect, border_radius=8)
            surface.blit(label, label.get_rect(center=self.continue_rect.center))

    def _typing_change(
        self, line: pygame.Rect | None, layout: tuple, panel_rect: pygame.Rect
    ) -> pygame.Rect | None:
        """What the typewriter changed since the last frame: the line being revealed (and
        the one before it, when a line was just finished), or the whole panel when the
        text moved or a new block began."""
        previous_line, previous_layout = self._last_typing
        self._last_typing = (line, layout)
        if line is None or previous_line is None or layout != previous_layout:
            return panel_rect if line is not None else None
        return line.union(previous_line)

    def changed_area(self) -> pygame.Rect | None:
        # While text is typed, nothing else moves: a timer only starts once it is all shown.
        if self.fade > 0 or self.pending_card is not None or self.typing_done:
            return None
        return self._typing_area

    def recording_note(self, rect: pygame.Rect, below: int) -> tuple[str, int, int, int] | None:
        """The note that this play is not being recorded, if it is not: its text, its top,
        the lines it may take and the lines it needs, at the foot of the portrait panel ``rect`` and
        never above ``below`` (the face, name and mood). It takes the lines it needs,
        before the character's description does: what went wrong and whom to tell matter
        more while it lasts. The text is in the trainee's language; the store's own
        message, with the file and the database's words, went to the trainer on standard
        error."""
        problem = self.recording_problem
        if problem is None:
            return None
        app, theme = self.app, self.app.theme
        reason = self.words(f"store.{problem.kind}")
        text = self.words("play.not_recorded", problem=reason)
        size = theme.size(14)
        height = app.fonts.line_height(size)
        needed = len(app.fonts.wrap(text, size, theme.bad, rect.w - 40))
        room = max(1, (rect.bottom - 14 - below) // height)
        lines = min(needed, room)
        return text, rect.bottom - 14 - lines * height, lines, needed

    @property
    def recording_problem(self) -> StoreError | None:
        """Why this play is not being recorded, if it is not (the trainee should know)."""
        if self.play.recorder is None:
            return self.app.store_problem  # None in preview, which records on purpose nothing
        return self.play.problem

    def _said_text(self, said: str) -> str:
        """What the trainee said, or that the time ran out before they said anything."""
        if said == self.words("play.time_up"):
            return said
        return self.words("play.you", text=said)

    def _block_height(self, kind: str, data: object, width: int) -> int:
        theme = self.app.theme
        if kind == "said":
            return wrapped_height(
                self.app.fonts, self._said_text(str(data)), theme.size(17), width, "italic"
            )
        line, _ = data  # type: ignore[misc]
        name = self.app.fonts.line_height(theme.size(18), "bold") if line.speaker_name else 0
        style = "regular" if line.speaker_name else "italic"
        return name + wrapped_height(self.app.fonts, line.text, theme.size(21), width, style)

    # ------------------------------------------------------------ choices

    @property
    def _choice_area(self) -> pygame.Rect:
        return getattr(self, "_last_choice_area", pygame.Rect(0, 0, 0, 0))

    def _choice_layout(self, width: int) -> list[int]:
        theme = self.app.theme
        heights = []
        for view in self.session.choices:
            text_height = wrapped_height(self.app.fonts, view.text, theme.size(19), width - 70)
            if not view.available and view.reason:
                text_height += wrapped_height(
                    self.app.fonts, view.reason, theme.size(15), width - 70, "italic"
                )
            heights.append(text_height + 20)
        return heights

    def _choices_height(self, column: pygame.Rect, heights: list[int]) -> int:
        timer_room = 0
        if self.session.timer is not None:
            timer_room = 16 + self.app.fonts.line_height(self.app.theme.size(15), "bold")
        wanted = sum(heights) + 10 * len(heights) + timer_room + 14
        return min(wanted, round(column.h * 0.68))  # the speech above scrolls; choices must show

    def _draw_choices(self, surface: pygame.Surface, rect: pygame.Rect, heights: list[int]) -> None:
        self.choice_boxes = []
        if rect.h <= 0:
            return
        app, theme = self.app, self.app.theme
        top = rect.y + 14
        timer = self.session.timer
        if timer is not None:
            left, total = timer
            bar = pygame.Rect(rect.x, top, rect.w, 8)
            pygame.draw.rect(surface, (70, 78, 92), bar, border_radius=4)
            filled = bar.copy()
            filled.w = round(bar.w * max(0.0, left / total))
            pygame.draw.rect(
                surface, theme.bad if left < total * 0.3 else theme.cost, filled, border_radius=4
            )
            warning = left < total * 0.3
            seconds = app.fonts.render(
                self.words("play.seconds", seconds=f"{max(0, left):.0f}"),
                theme.size(15),
                theme.bad if warning else (230, 230, 235),
                "bold" if warning else "regular",
            )
            surface.blit(seconds, (bar.right - seconds.get_width(), bar.bottom + 2))
            top += 8 + 2 + seconds.get_height() + 6  # the label always clears the choices
        area = pygame.Rect(rect.x, top, rect.w, rect.bottom - top)
        self._last_choice_area = area
        content = sum(heights) + 10 * len(heights)
        self.choice_scroll = max(0, min(self.choice_scroll, content - area.h))
        clip = surface.get_clip()
        surface.set_clip(area)
        y = area.y - self.choice_scroll
        for index, (view, box_height) in enumerate(zip(self.session.choices, heights, strict=True)):
            box = pygame.Rect(area.x, y, area.w, box_height)
            self.choice_boxes.append(ChoiceBox(view, box.clip(area)))
            focused = index == self.selected
            if not view.available:
                fill, text_colour = theme.choice_disabled, theme.disabled_text
            elif focused:
                fill, text_colour = theme.choice_hover, theme.text
            else:
                fill, text_colour = theme.choice, theme.text
            pygame.draw.rect(surface, fill, box, border_radius=10)
            pygame.draw.rect(
                surface,
                theme.accent if focused and view.available else theme.panel_edge,
                box,
                width=3 if focused else 1,
                border_radius=10,
            )
            badge = pygame.Rect(box.x + 12, box.y + 10, 34, 34)
            pygame.draw.rect(
                surface,
                theme.accent if view.available else theme.panel_edge,
                badge,
                border_radius=17,
            )
            number = app.fonts.render(
                str(view.number),
                theme.size(17),
                theme.accent_text if view.available else theme.panel,
                "bold",
            )
            surface.blit(number, number.get_rect(center=badge.center))
            text_y = draw_wrapped(
                surface,
                app.fonts,
                view.text,
                theme.size(19),
                text_colour,
                box.x + 58,
                box.y + 10,
                box.w - 70,
            )
            if not view.available and view.reason:
                draw_wrapped(
                    surface,
                    app.fonts,
                    view.reason,
                    theme.size(15),
                    theme.muted,
                    box.x + 58,
                    text_y,
                    box.w - 70,
                    "italic",
                )
            y += box_height + 10
        surface.set_clip(clip)
        if content > area.h:
            track = pygame.Rect(area.right - 5, area.y, 4, area.h)
            pygame.draw.rect(surface, (90, 96, 110), track, border_radius=2)
            thumb_height = max(20, round(area.h * area.h / content))
            thumb_y = area.y + round(
                (area.h - thumb_height) * self.choice_scroll / max(1, content - area.h)
            )
            pygame.draw.rect(
                surface, theme.accent, (track.x, thumb_y, 4, thumb_height), border_radius=2
            )
