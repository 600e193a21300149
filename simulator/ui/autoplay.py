"""Demo mode: play given options without input and keep a PNG of every screen shown.

Trainers use it for handouts and tests use it to see the real screens. It acts
only through the scenes' own intents, exactly as a trainee's keys would.
"""

from __future__ import annotations

import sys
from pathlib import Path

from simulator.engine.script import resolve_pick
from simulator.engine.session import Status
from simulator.ui.app import App
from simulator.ui.input import Intent


class Autoplay:
    def __init__(self, picks: list[int | str], folder: Path | None) -> None:
        self.picks = list(picks)
        self.step = 0  # picks played so far
        self.folder = folder
        self.shots: list[Path] = []
        self.debrief_pages = 0
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def shot(self, app: App, name: str) -> None:
        if self.folder is None:
            return
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        app.screenshot(path)
        self.shots.append(path)

    def __call__(self, app: App) -> None:
        from simulator.ui.scenes.debrief import DebriefScene
        from simulator.ui.scenes.dialogue import DialogueScene
        from simulator.ui.scenes.episode import FADE_SECONDS, EpisodeCard
        from simulator.ui.scenes.problems import ProblemsScene

        scene = app.scene
        if isinstance(scene, EpisodeCard):
            scene.shown_for = FADE_SECONDS
            self.shot(app, "episode")
            app.send(Intent("confirm"))
        elif isinstance(scene, DialogueScene):
            if scene.pending_card is not None or scene.finished:
                return
            if not scene.typing_done:
                scene.revealed = float("inf")
                app.invalidate()
                return
            status = scene.session.status
            if scene.holding or status is Status.WAITING_FOR_CONTINUE:
                self.shot(app, "dialogue")
                app.send(Intent("confirm"))
            elif status is Status.WAITING_FOR_CHOICE:
                self.shot(app, "choice")
                self.pick(app, scene)
        elif isinstance(scene, DebriefScene):
            if scene.reviews is None:  # a handout shows the finished review
                scene.wait_for_review()
                app.invalidate()
                return
            self.shot(app, "debrief")
            self.debrief_pages += 1
            if scene.scroll + scene.view_height < scene.content_height and self.debrief_pages < 12:
                scene.scroll += max(100, scene.view_height - 80)
                app.invalidate()
            elif self.picks:  # as `run` does: a longer script than the play is a mistake
                print(
                    f"simulator: --autoplay: step {self.step + 1}: the scenario has already "
                    f"ended at '{scene.play.session.state.node}'",
                    file=sys.stderr,
                )
                app.quit(1)
            else:
                app.quit(0)
        elif isinstance(scene, ProblemsScene):
            self.shot(app, "problems")
            for diagnostic in scene.diagnostics:
                print(diagnostic.format(), file=sys.stderr)
            app.quit(1)

    def pick(self, app: App, scene: object) -> None:
        from simulator.ui.scenes.dialogue import DialogueScene

        assert isinstance(scene, DialogueScene)
        if not self.picks:
            print(
                f"simulator: --autoplay ran out of choices at '{scene.session.state.node}'",
                file=sys.stderr,
            )
            app.quit(3)
            return
        pick = self.picks.pop(0)
        self.step += 1
        resolved = resolve_pick(scene.session, pick)
        if isinstance(resolved, str):
            print(f"simulator: --autoplay: step {self.step}: {resolved}", file=sys.stderr)
            app.quit(1)
            return
        if resolved.choice is None:  # let the timer run out, as if the trainee waited
            timer = scene.session.timer
            assert timer is not None
            scene.play.tick(timer[0])
            scene.take_new_events()
            return
        app.send(Intent("choose", resolved.number))
