"""Player speed, measured side by side in one run.

    python benchmarks/bench_player.py

1. Launch to first frame: the game's menu against a bare pygame window, each
   started as a fresh process several times (median). Target: at most 1.5x.
2. Frame cost while the typewriter runs at 1280x720: the game's own work
   (update and draw; target at most 4 ms), and beside it the time the display
   takes to receive the changed area (only the line being typed).
3. CPU used while the game waits for a choice, as a share of one core, once the
   debrief's search (made once as a play begins, see 4) is done. Target: under 3%.
4. Frames while the debrief's search runs beside the loop: the first seconds of
   internal-customer, whose search is the longest, paced at 60 frames a second, with
   Python's default switch interval (5 ms) and with the game's (``SWITCH_SECONDS``),
   each in a fresh process: frames a second, the slowest frames, and how long the
   search took.

Uses SDL's dummy video driver unless a display is set, so it runs anywhere.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYGAME_HIDE_SUPPORT_PROMPT": "1", "SDL_AUDIODRIVER": "dummy"}
if not ENV.get("DISPLAY"):
    ENV["SDL_VIDEODRIVER"] = "dummy"

BARE = """
import time
start = time.perf_counter()
import pygame
pygame.display.init()
screen = pygame.display.set_mode((1280, 720), pygame.RESIZABLE)
screen.fill((30, 36, 48))
pygame.display.flip()
print(time.perf_counter() - start)
"""

GAME = """
import time
start = time.perf_counter()
from simulator.ui.player import start_app
app, _ = start_app((1280, 720), False)
from simulator.ui.scenes.menu import MenuScene
app.push(MenuScene(app))
app.run(events=[[]], max_frames=1)
print(time.perf_counter() - start)
"""


def child_env(home: str) -> dict[str, str]:
    """A child's environment: a temporary data folder, and bytecode cached as an
    installed copy caches it, under a temporary prefix (a machine that sets
    PYTHONDONTWRITEBYTECODE would otherwise compile every module at every start)."""
    env = {**ENV, "CS_SIMULATOR_HOME": home, "PYTHONPYCACHEPREFIX": f"{home}/pycache"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def launch_times(code: str, runs: int, home: str) -> list[float]:
    env = child_env(home)
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, check=True, capture_output=True
        )
        times.append(time.perf_counter() - started)
    return times


def frame_cost(frames: int = 300) -> tuple[float, float, float]:
    """Median ms per typewriter frame: the game's own work (update and draw), sending the
    changed area to the display, and the share of frames that needed the whole window."""
    os.environ.update({k: v for k, v in ENV.items() if k.startswith(("SDL_", "PYGAME"))})
    sys.path.insert(0, str(REPO))
    import pygame

    from simulator.engine.session import Session
    from simulator.scenario.loader import load_scenario
    from simulator.ui.app import App
    from simulator.ui.playthrough import Playthrough
    from simulator.ui.scenes.dialogue import DialogueScene
    from simulator.userdata import Settings

    scenario = load_scenario(REPO / "docs" / "examples" / "format-tour.yaml").scenario
    app = App(Settings(trainee="Bench", text_speed="slow"), (1280, 720), False)
    play = Playthrough(scenario, "Bench", None, Session.start(scenario, seed=1), recorder=None)
    scene = DialogueScene(app, play)
    app.push(scene)
    scene.pending_card = None
    app.draw_if_needed()
    work, present, full = [], [], 0
    for _ in range(frames):
        if scene.typing_done:
            scene.revealed = 0.0
            app.invalidate()
        started = time.perf_counter()
        scene.update(1 / 60)
        app.draw(app.screen)
        drawn = time.perf_counter()
        changed = None if app.dirty else scene.changed_area()
        if changed is None:
            full += 1
            pygame.display.flip()
        else:
            pygame.display.update(changed)
        app.dirty = False
        work.append(drawn - started)
        present.append(time.perf_counter() - drawn)
    pygame.display.quit()
    return statistics.median(work) * 1000, statistics.median(present) * 1000, full / frames


IDLE = textwrap.dedent("""
    import time, resource
    from simulator.ui.player import start_app
    from simulator.scenario.loader import load_scenario
    from simulator.ui.playthrough import Playthrough
    from simulator.ui.scenes.dialogue import DialogueScene
    app, _ = start_app((1280, 720), False)
    app.settings.text_speed = "instant"
    scenario = load_scenario("scenarios/late-client.yaml").scenario
    scene = DialogueScene(app, Playthrough.begin(scenario, "Bench", None, None, seed=1))
    scene.pending_card = None
    app.push(scene)
    app.run(max_frames=1)  # settle the first frame
    scene.preparing.wait(None)  # the debrief's search, made once as the play begins
    deadline = time.monotonic() + {seconds}
    def stop(app):
        if time.monotonic() > deadline:
            app.quit()
    app.after_frame = stop
    cpu_start, wall_start = time.process_time(), time.monotonic()
    app.run()
    print((time.process_time() - cpu_start) / (time.monotonic() - wall_start), app.frames_drawn)
""")


def idle_cpu(seconds: float, home: str) -> tuple[float, int]:
    done = subprocess.run(
        [sys.executable, "-c", IDLE.format(seconds=seconds)],
        cwd=REPO,
        env=child_env(home),
        check=True,
        capture_output=True,
        text=True,
    )
    share, frames = done.stdout.split()
    return float(share) * 100, int(frames)


BESIDE_SEARCH = textwrap.dedent("""
    import statistics, sys, time
    import pygame
    from simulator.scenario.loader import load_scenario
    from simulator.ui.app import App
    from simulator.ui.playthrough import Playthrough
    from simulator.ui.scenes.dialogue import DialogueScene
    from simulator.userdata import Settings
    scenario = load_scenario("scenarios/internal-customer.yaml").scenario
    app = App(Settings(trainee="Bench", text_speed="slow"), (1280, 720), False)
    started = time.perf_counter()
    scene = DialogueScene(app, Playthrough.begin(scenario, "Bench", None, None, seed=1))
    if {default}:
        sys.setswitchinterval(0.005)  # Python's own, as before the game set it
    app.push(scene)
    scene.pending_card = None
    frames = []
    while not scene.preparing.wait(0):
        if scene.typing_done:
            scene.revealed = 0.0
            app.invalidate()
        begun = time.perf_counter()
        scene.update(1 / 60)
        app.draw(app.screen)
        changed = None if app.dirty else scene.changed_area()
        if changed is None:
            pygame.display.flip()
        else:
            pygame.display.update(changed)
        app.dirty = False
        frames.append(time.perf_counter() - begun)
        time.sleep(max(0.0, 1 / 60 - frames[-1]))
    searched = time.perf_counter() - started
    frames.sort()
    print(len(frames) / searched, frames[int(len(frames) * 0.95)] * 1000, searched)
""")


def beside_search(default: bool, home: str) -> tuple[float, float, float]:
    """(frames a second, 95th-percentile frame in ms, seconds the search took)."""
    done = subprocess.run(
        [sys.executable, "-c", BESIDE_SEARCH.format(default=default)],
        cwd=REPO,
        env=child_env(home),
        check=True,
        capture_output=True,
        text=True,
    )
    rate, slow, searched = (float(part) for part in done.stdout.split())
    return rate, slow, searched


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    import tempfile

    runs = int(os.environ.get("BENCH_RUNS", "7"))
    with tempfile.TemporaryDirectory() as home:
        print(f"video driver: {ENV.get('SDL_VIDEODRIVER', 'display ' + ENV.get('DISPLAY', ''))}")
        bare = launch_times(BARE, runs, home)
        game = launch_times(GAME, runs, home)
        ratio = statistics.median(game) / statistics.median(bare)
        print(
            f"launch to first frame (median of {runs} fresh processes): bare pygame window "
            f"{statistics.median(bare) * 1000:.0f} ms, game menu "
            f"{statistics.median(game) * 1000:.0f} ms, ratio {ratio:.2f}x "
            f"(target <= 1.5x) {verdict(ratio <= 1.5)}"
        )
        work, present, full = frame_cost()
        print(
            f"frame cost while the typewriter runs, 1280x720: update + draw median "
            f"{work:.2f} ms (target <= 4 ms) {verdict(work <= 4)}; sending the changed area "
            f"to the display {present:.2f} ms more ({full:.0%} of frames whole-window; that "
            "part is the display server's)"
        )
        share, frames = idle_cpu(5.0, home)
        print(
            f"idle CPU while waiting for a choice: {share:.1f}% of one core over 5 s, "
            f"{frames} frames drawn (target < 3%) {verdict(share < 3)}"
        )
        print("typewriter while the debrief's search of internal-customer runs beside it:")
        for default, name in ((True, "Python's 5 ms switch"), (False, "the game's 1 ms")):
            rate, slow, searched = beside_search(default, home)
            print(
                f"  {name:<22} {rate:4.1f} frames/s, 95% of frames within {slow:5.1f} ms; "
                f"search {searched:.2f} s"
            )


if __name__ == "__main__":
    main()
