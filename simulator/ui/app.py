"""The window, the loop and the scene stack. The only owner of the pygame display.

Scenes handle intents, update and draw themselves, and ask the app to push,
pop or replace scenes. The loop redraws only when something changed, and
sleeps in ``pygame.event.wait`` while nothing moves, so an idle player costs
next to no CPU. Tests and the demo mode drive it with injected events and a
frame limit instead of a real keyboard.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from simulator.exit_codes import say
from simulator.ui.fonts import Fonts
from simulator.ui.input import Intent, intents_for
from simulator.ui.portraits import PortraitCache
from simulator.ui.scene import Scene
from simulator.ui.theme import Theme, theme_for
from simulator.ui.voice import Voice
from simulator.userdata import Settings
from simulator.wording import Wording, wording

if TYPE_CHECKING:  # the model and the store load only once needed (fast start)
    from simulator.records.store import ResultsStore, StoreError
    from simulator.scenario.playlist import CheckedPlaylist

IDLE_WAIT_MS = 500
IDLE_POLL_SECONDS = 0.02
ANIMATION_FPS = 60


class App:
    def __init__(
        self,
        settings: Settings,
        size: tuple[int, int] = (1280, 720),
        fullscreen: bool | None = None,
        voice: Voice | None = None,
    ) -> None:
        self.settings = settings
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption(self.words("app.title"))
        self.windowed_size = size
        self.fullscreen = settings.fullscreen if fullscreen is None else fullscreen
        self.screen = self._open_window()
        pygame.key.set_repeat(350, 40)
        self.fonts = Fonts()
        self.portraits = PortraitCache()
        self.theme: Theme = theme_for(settings.high_contrast, settings.text_size)
        # Read aloud: scenes hand it their words; it says them only while the setting is on.
        self.voice = voice or Voice()
        self.voice.enabled = settings.read_aloud
        self._voice_problem = self.voice.problem  # as last drawn (the settings show it)
        self.scenes: list[Scene] = []
        self.running = True
        self.dirty = True
        self.frames_drawn = 0
        self.exit_code = 0
        self.after_frame: Callable[[App], None] | None = None
        self.playlist: CheckedPlaylist | None = None  # an onboarding session, when running one
        self._store: ResultsStore | None = None
        self.settings_problem: str | None = None  # why the settings cannot be kept
        self.store_problem: StoreError | None = None
        # Off in preview: an author's plays, whichever scenario the menu there opens, never
        # reach the trainees' results.
        self.records_plays = True
        self._keys_down: set[int] = set()
        # Keys held when the screen changed: ignored until released, so that a key pressed
        # for one screen (or repeating while held) never acts on the next.
        self._keys_held_over: set[int] = set()
        self._caption = ""

    def _open_window(self) -> pygame.Surface:
        if self.fullscreen:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        return pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)

    # ------------------------------------------------------------ scenes

    @property
    def scene(self) -> Scene | None:
        return self.scenes[-1] if self.scenes else None

    def push(self, scene: Scene) -> None:
        self.scenes.append(scene)
        self._screen_changed()

    def pop(self) -> None:
        if self.scenes:
            self.scenes.pop()
        if self.scenes:
            self.scenes[-1].entered()
        else:
            self.running = False
        self._screen_changed()

    def replace(self, scene: Scene) -> None:
        if self.scenes:
            self.scenes.pop()
        self.push(scene)

    def reset_to(self, scene: Scene) -> None:
        self.scenes = [scene]
        self._screen_changed()

    def go(self, screen: str, *details: object, how: str = "push") -> None:
        """Open a screen by name (see screens.py): scenes say where to go and the app
        builds the scene, so that no scene imports another. ``how``: "push" it over the
        current screen, "replace" the current screen, or "reset" to it alone."""
        from simulator.ui.screens import build

        scene = build(screen, self, *details)
        {"push": self.push, "replace": self.replace, "reset": self.reset_to}[how](scene)

    def _screen_changed(self) -> None:
        self.voice.stop()  # the next screen says its own words
        self.hold_keys_over()
        self.update_caption()
        self.invalidate()

    def hold_keys_over(self) -> None:
        """Ignore the keys held now until they are let go: a key pressed for what was on
        the screen (or repeating while held) never acts on what replaces it, a new screen
        or a new question on the same one."""
        self._keys_held_over = set(self._keys_down)

    def update_caption(self) -> None:
        """Name the screen in the window's title, in the words it is shown in."""
        scene = self.scene
        name = scene.caption if scene is not None else None
        words = scene.words if scene is not None else self.words
        caption = words("app.title") if not name else f"{name} — {words('app.title')}"
        if caption != self._caption:
            self._caption = caption
            pygame.display.set_caption(caption)

    def quit(self, code: int = 0) -> None:
        self.exit_code = code
        self.running = False

    def invalidate(self) -> None:
        self.dirty = True

    def results_store(self) -> ResultsStore | None:
        """The results store, opened on first use; None (and ``store_problem``) if it cannot
        be used, in which case the trainee can still play, unrecorded."""
        if not self.records_plays:
            return None
        if self._store is None and self.store_problem is None:
            from simulator.records.store import ResultsStore, StoreError

            try:
                self._store = ResultsStore.open()
            except StoreError as error:
                self.store_problem = error.detached()
                say(f"plays are not being recorded: {error}")  # the trainer's details
        return self._store

    # ------------------------------------------------------------ settings

    @property
    def words(self) -> Wording:
        return wording(self.settings.language)

    def apply_settings(self) -> None:
        """Take changed settings into effect and keep them for next time."""
        self.theme = theme_for(self.settings.high_contrast, self.settings.text_size)
        self.update_caption()
        if self.settings.fullscreen != self.fullscreen:
            self.fullscreen = self.settings.fullscreen
            self.screen = self._open_window()
        self._tune_voice()
        self.settings_problem = self.settings.save()
        self.invalidate()

    def toggle_read_aloud(self) -> None:
        """The V key, anywhere: read aloud on or off, kept for next time."""
        self.settings.read_aloud = not self.settings.read_aloud
        self.apply_settings()

    def _tune_voice(self) -> None:
        """Silence the voice when read aloud goes off; say so when it comes on, which
        is how a trainee who cannot see the screen knows the key worked."""
        voice = self.voice
        if voice.enabled == self.settings.read_aloud:
            return
        voice.enabled = self.settings.read_aloud
        if voice.enabled:
            words = self.words
            confirmation = f"{words('settings.read_aloud')}: {words('settings.on')}"
            voice.announce(confirmation, words.language)
        else:
            voice.stop()

    # ------------------------------------------------------------ loop

    def run(
        self,
        events: Iterable[list[pygame.event.Event]] | None = None,
        max_frames: int | None = None,
    ) -> int:
        """Run until quit. ``events`` replaces the real event queue, one list per frame."""
        injected: Iterator[list[pygame.event.Event]] | None = iter(events) if events else None
        clock = pygame.time.Clock()
        last = time.perf_counter()
        frames = 0
        while self.running and self.scenes:
            if injected is not None:
                batch = next(injected, None)
                if batch is None:
                    break
            else:
                batch = self._wait_for_events()
            for event in batch:
                self._dispatch(event)
            if self.voice.problem is not self._voice_problem:  # found by the voice's thread
                self._voice_problem = self.voice.problem
                self.invalidate()
            now = time.perf_counter()
            elapsed, last = now - last, now
            scene = self.scene
            if scene is not None:
                was_animating = scene.animating
                scene.update(min(elapsed, 0.25) if injected is None else 1 / ANIMATION_FPS)
                if was_animating and not scene.animating:
                    self.invalidate()  # the frame at rest is drawn whole, never left behind
            self.draw_if_needed()
            if self.after_frame is not None:
                self.after_frame(self)
            frames += 1
            if max_frames is not None and frames >= max_frames:
                break
            if injected is None and self.scene is not None and self.scene.animating:
                clock.tick(ANIMATION_FPS)
        if not (self.running and self.scenes):
            self.voice.close()  # no voice goes on talking after the window has gone
        return self.exit_code

    def _wait_for_events(self) -> list[pygame.event.Event]:
        """Events since the last frame; while nothing moves, wait for them cheaply.

        SDL's own timed wait polls busily on X11 (about 3% of a core), so an idle
        player sleeps between short polls instead: at most IDLE_POLL_SECONDS late
        to react, and next to no CPU.
        """
        scene = self.scene
        events = pygame.event.get()
        if events or scene is None or scene.animating or self.dirty:
            return events
        deadline = time.monotonic() + IDLE_WAIT_MS / 1000
        while not events and time.monotonic() < deadline:
            time.sleep(IDLE_POLL_SECONDS)
            events = pygame.event.get()
        return events

    def _dispatch(self, event: pygame.event.Event) -> None:
        if event.type == pygame.VIDEORESIZE and not self.fullscreen:
            self.windowed_size = (max(640, event.w), max(400, event.h))
            self.screen = pygame.display.get_surface() or self.screen
            self.invalidate()
            return
        if event.type in (pygame.WINDOWEXPOSED, pygame.WINDOWRESTORED, pygame.WINDOWSIZECHANGED):
            self.screen = pygame.display.get_surface() or self.screen
            self.invalidate()
            return
        if not self._is_fresh_input(event):
            return
        scene = self.scene
        if scene is None:
            return
        for intent in intents_for(event, typing=scene.typing):
            if intent.kind == "quit":
                self.handle_quit()
                return
            if intent.kind == "read_aloud":
                self.toggle_read_aloud()
                continue
            if intent.kind != "hover":
                self.invalidate()
            scene.handle(intent)

    def _is_fresh_input(self, event: pygame.event.Event) -> bool:
        """False for a key that was already held when this screen appeared, including its
        repeats, until it is let go; True for everything else."""
        if event.type == pygame.KEYDOWN:
            if event.key in self._keys_held_over:
                return False
            self._keys_down.add(event.key)
        elif event.type == pygame.KEYUP:
            self._keys_down.discard(event.key)
            self._keys_held_over.discard(event.key)
            return False
        elif event.type == pygame.TEXTINPUT and self._keys_held_over:
            return False
        return True

    def handle_quit(self) -> None:
        """Closing the window keeps everything needed to resume (saved after every step)."""
        self.running = False

    def send(self, intent: Intent) -> None:
        """Give an intent to the top scene, as if the trainee had done it (demo, tests)."""
        scene = self.scene
        if scene is not None:
            scene.handle(intent)
            self.invalidate()

    def draw_if_needed(self) -> None:
        scene = self.scene
        if scene is None or not (self.dirty or scene.animating):
            return
        self.draw(self.screen)
        changed = None if self.dirty else scene.changed_area()
        if changed is None:
            pygame.display.flip()
        else:  # only a small part moved (the typewriter's line): send just that
            pygame.display.update(changed)
        self.dirty = False
        self.frames_drawn += 1

    def draw(self, surface: pygame.Surface) -> None:
        index = len(self.scenes) - 1
        while index > 0 and self.scenes[index].overlay:
            index -= 1
        for scene in self.scenes[index:]:
            scene.draw(surface)

    def screenshot(self, path: Path) -> None:
        self.draw(self.screen)
        pygame.image.save(self.screen, str(path))


def display_available() -> tuple[bool, str]:
    """Whether a window can be opened here, and if not, why. A display that can be used is
    left open for the window that follows (closing and reopening it cost a fifth of the
    game's start, 27 ms)."""
    driver = os.environ.get("SDL_VIDEODRIVER", "")
    if driver in ("dummy", "offscreen"):
        return True, ""
    if (
        os.name == "posix"
        and sys.platform != "darwin"
        and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    ):
        return False, "no display found (DISPLAY and WAYLAND_DISPLAY are not set)"
    try:
        pygame.display.init()
    except pygame.error as error:
        return False, str(error)
    return True, ""
