"""Read aloud: the game's words spoken by the computer's own speech engine.

For a trainee who cannot read the screen comfortably, as Ren'Py's self-voicing. Each
platform speaks through what it ships with: eSpeak NG's ``espeak-ng`` command on Linux
(a process per utterance, stopped at once when the screen moves on), SAPI5 on Windows
and NSSpeech on macOS through pyttsx3. The speech runs on a thread of its own, so the
window never waits for it, and a missing or failing engine is kept as a problem to
show in the settings, never raised into the loop.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

#: How often a running utterance looks whether it should stop (seconds).
POLL_SECONDS = 0.05
#: The longest one engine command may take before it is taken as failed (seconds).
COMMAND_TIMEOUT = 60
LOG_NAME = "spoken.txt"


@dataclass(frozen=True)
class SpeechProblem:
    """Why nothing is heard. ``code``: "missing" (no engine on this computer) or
    "failed" (the engine is there but could not speak)."""

    code: str
    detail: str


@dataclass(frozen=True)
class Utterance:
    text: str
    language: str | None
    kept: bool = False  # an announcement: what follows waits for it instead of cutting it


class Speaker(Protocol):
    """One speech engine. Both calls block until done; a problem comes back as a value."""

    def speak(
        self, text: str, language: str | None, cancelled: Callable[[], bool]
    ) -> SpeechProblem | None:
        """Say the text aloud, stopping early once ``cancelled()`` turns true."""
        ...

    def write(self, text: str, language: str | None, path: Path) -> SpeechProblem | None:
        """Write the spoken text to a WAV file instead of the loudspeakers."""
        ...


def plain(text: str) -> str:
    """The text as it should be heard: one line, no control characters, no runs of
    spaces that an engine would read as pauses."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def primary(language: str | None) -> str:
    """The language without its region: "hu" for "hu-HU", "en" for "en_GB"."""
    return (language or "").replace("_", "-").split("-")[0].lower()


def voice_language(wanted: str | None, available: Collection[str]) -> str | None:
    """The language to speak in: the play's own when a voice speaks it, else English,
    else None (the engine's default voice)."""
    for code in (primary(wanted), "en"):
        if code and code in available:
            return code
    return None


class EspeakCommand:
    """eSpeak NG through its command: each utterance a process, ended to stop it."""

    def __init__(self, program: str) -> None:
        self.program = program
        self.name = Path(program).name  # what messages call it
        self._languages: set[str] | None = None
        # No console window flashing up on Windows, where this is only the fallback.
        self._flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)

    def languages(self) -> set[str]:
        """The languages eSpeak NG has a voice for (the second column of its list)."""
        if self._languages is None:
            try:
                listed = subprocess.run(
                    [self.program, "--voices"],
                    capture_output=True,
                    text=True,
                    timeout=COMMAND_TIMEOUT,
                    creationflags=self._flags,
                ).stdout
            except (OSError, subprocess.SubprocessError):
                listed = ""
            rows = [line.split() for line in listed.splitlines()[1:]]
            self._languages = {primary(row[1]) for row in rows if len(row) > 1}
        return self._languages

    def _command(self, language: str | None, *options: str) -> list[str]:
        chosen = voice_language(language, self.languages())
        voice = ["-v", chosen] if chosen else []
        return [self.program, *voice, "-b", "1", *options]  # -b 1: the text is UTF-8

    def speak(
        self, text: str, language: str | None, cancelled: Callable[[], bool]
    ) -> SpeechProblem | None:
        try:
            process = subprocess.Popen(
                self._command(language),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                creationflags=self._flags,
            )
        except OSError as error:
            return SpeechProblem("failed", f"{self.name}: {error.strerror or error}")
        assert process.stdin is not None and process.stderr is not None
        try:
            process.stdin.write(text.encode("utf-8"))  # never on the command line: no
            process.stdin.close()  # text is ever taken for an option
            while process.poll() is None:
                if cancelled():
                    process.terminate()
                    process.wait()
                    return None
                try:
                    process.wait(POLL_SECONDS)
                except subprocess.TimeoutExpired:
                    continue
            errors = process.stderr.read().decode("utf-8", "replace")
        except OSError as error:
            process.kill()
            return SpeechProblem("failed", f"{self.name}: {error}")
        finally:
            process.stderr.close()
        # Without a sound device eSpeak NG still exits with 0 but says "error: ...".
        complaint = [line for line in errors.splitlines() if line.startswith("error")]
        if process.returncode != 0 or complaint:
            said = complaint or errors.strip().splitlines() or [f"exit code {process.returncode}"]
            return SpeechProblem("failed", f"{self.name} could not play sound ({said[-1]})")
        return None

    def write(self, text: str, language: str | None, path: Path) -> SpeechProblem | None:
        try:
            done = subprocess.run(
                self._command(language, "-w", str(path)),
                input=text.encode("utf-8"),
                capture_output=True,
                timeout=COMMAND_TIMEOUT,
                creationflags=self._flags,
            )
        except (OSError, subprocess.SubprocessError) as error:
            return SpeechProblem("failed", f"{self.name}: {error}")
        if done.returncode != 0 or not path.is_file():
            reason = done.stderr.decode("utf-8", "replace").strip() or "no sound file written"
            return SpeechProblem("failed", f"{self.name}: {reason.splitlines()[-1]}")
        return None


class Pyttsx3Speaker:
    """SAPI5 (Windows) or NSSpeech (macOS) through pyttsx3, made on first use by the
    thread that speaks (the engines expect one thread to own them)."""

    def __init__(self, driver: str | None = None) -> None:
        self.driver = driver  # None: the platform's own
        self._engine: Any = None
        self._voices: dict[str, str] = {}
        self._cancelled: Callable[[], bool] = lambda: False

    def _ready(self, language: str | None) -> SpeechProblem | None:
        try:
            if self._engine is None:
                import pyttsx3

                engine = pyttsx3.init(self.driver)
                for voice in engine.getProperty("voices"):
                    for code in voice.languages or []:
                        name = code.decode("utf-8", "replace") if isinstance(code, bytes) else code
                        self._voices.setdefault(primary(str(name)), voice.id)
                engine.connect("started-word", self._on_word)
                self._engine = engine
            chosen = voice_language(language, self._voices)
            if chosen is not None:
                self._engine.setProperty("voice", self._voices[chosen])
        except Exception as error:  # any engine's failure is a message, never a crash
            return SpeechProblem("failed", f"pyttsx3: {error}")
        return None

    def _on_word(self, name: object, location: int, length: int) -> None:
        # Called by the engine on the speaking thread: the one place stopping is safe.
        if self._cancelled():
            self._engine.stop()

    def _run(self) -> SpeechProblem | None:
        try:
            self._engine.runAndWait()
        except Exception as error:
            return SpeechProblem("failed", f"pyttsx3: {error}")
        return None

    def speak(
        self, text: str, language: str | None, cancelled: Callable[[], bool]
    ) -> SpeechProblem | None:
        problem = self._ready(language)
        if problem is not None:
            return problem
        self._cancelled = cancelled
        self._engine.say(text)
        return self._run()

    def write(self, text: str, language: str | None, path: Path) -> SpeechProblem | None:
        problem = self._ready(language)
        if problem is not None:
            return problem
        self._engine.save_to_file(text, str(path))
        problem = self._run()
        if problem is None and not path.is_file():
            return SpeechProblem("failed", "pyttsx3: no sound file written")
        return problem


class Recording:
    """Another speaker's voice written to numbered WAV files in a folder, with the words
    of each in ``spoken.txt``, instead of played: to check or hear afterwards."""

    def __init__(self, speaker: Speaker, folder: Path) -> None:
        self.speaker = speaker
        self.folder = folder
        self.count = 0

    def speak(
        self, text: str, language: str | None, cancelled: Callable[[], bool]
    ) -> SpeechProblem | None:
        self.count += 1
        path = self.folder / f"{self.count:03d}.wav"
        self.folder.mkdir(parents=True, exist_ok=True)
        with (self.folder / LOG_NAME).open("a", encoding="utf-8") as log:
            log.write(f"{path.name}\t{language or ''}\t{text}\n")
        return self.speaker.write(text, language, path)

    def write(self, text: str, language: str | None, path: Path) -> SpeechProblem | None:
        return self.speaker.write(text, language, path)


def platform_speaker() -> Speaker | SpeechProblem:
    """This computer's engine: pyttsx3's on Windows and macOS, eSpeak NG's command
    elsewhere (and as the fallback where pyttsx3 is missing)."""
    if sys.platform in ("win32", "darwin") and importlib.util.find_spec("pyttsx3"):
        return Pyttsx3Speaker()
    program = shutil.which("espeak-ng") or shutil.which("espeak")
    if program:
        return EspeakCommand(program)
    if sys.platform in ("win32", "darwin"):
        return SpeechProblem("missing", "pyttsx3 is not installed (pip install pyttsx3)")
    return SpeechProblem("missing", "eSpeak NG is not installed (sudo apt-get install espeak-ng)")


class Voice:
    """What the game says aloud, one utterance after another on a thread of its own.

    ``say`` cuts off whatever is being said and queues the new words, so the voice
    follows the screen; ``announce`` is heard whole before them; ``stop`` silences
    both. All return at once. Nothing is said unless ``enabled`` (the trainee's setting).
    """

    def __init__(self, speaker: Speaker | SpeechProblem | None = None) -> None:
        found = platform_speaker() if speaker is None else speaker
        self.speaker: Speaker | None = None if isinstance(found, SpeechProblem) else found
        self.problem: SpeechProblem | None = found if isinstance(found, SpeechProblem) else None
        self.enabled = False
        self._queue: deque[Utterance] = deque()
        self._changed = threading.Condition()
        self._said = 0  # moves on whenever new words cut off the old
        self._stopped = 0  # moves on at every silence, which cuts off announcements too
        self._speaking = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def say(self, texts: Iterable[str], language: str | None) -> None:
        """Say these, one after another, instead of anything still being said."""
        self._queue_up([Utterance(text, language) for text in map(plain, texts) if text])

    def announce(self, text: str, language: str | None) -> None:
        """Say a short message that the next words wait for (read aloud coming on)."""
        self._queue_up([Utterance(plain(text), language, kept=True)])

    def _queue_up(self, utterances: list[Utterance]) -> None:
        if not self.enabled or self.speaker is None or self._closed:
            return
        with self._changed:
            self._said += 1
            kept = [utterance for utterance in self._queue if utterance.kept]
            self._queue.clear()
            self._queue.extend(kept + utterances)
            self._changed.notify_all()
        if self._thread is None:  # started on first use: off, read aloud costs nothing
            self._thread = threading.Thread(target=self._run, daemon=True, name="read-aloud")
            self._thread.start()

    def stop(self) -> None:
        """Silence: what is being said stops, and nothing queued is said."""
        with self._changed:
            self._stopped += 1
            self._queue.clear()
            self._changed.notify_all()

    def close(self) -> None:
        """Stop for good (the window is closing); the engine is silent when this returns."""
        with self._changed:
            self._closed = True
        self.stop()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def wait_until_quiet(self, timeout: float | None = None) -> bool:
        """Whether everything asked for has been said, waiting at most ``timeout``."""
        with self._changed:
            return self._changed.wait_for(
                lambda: not self._queue and not self._speaking, timeout=timeout
            )

    def _run(self) -> None:
        assert self.speaker is not None
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._queue or self._closed)
                if self._closed:
                    return
                utterance = self._queue.popleft()
                said, stopped = self._said, self._stopped
                self._speaking = True

            def cancelled(
                kept: bool = utterance.kept, said: int = said, stopped: int = stopped
            ) -> bool:
                cut = self._said != said and not kept
                return cut or self._stopped != stopped or self._closed

            problem = self.speaker.speak(utterance.text, utterance.language, cancelled)
            with self._changed:
                self._speaking = False
                self.problem = problem
                if problem is not None:
                    self._queue.clear()  # the rest would fail the same way
                self._changed.notify_all()
