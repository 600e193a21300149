"""Loading a scenario in another language: finding its translation, checking it against
the scenario it translates, and swapping its texts in.

This sits above the loader (it loads the scenario a translation translates), and the
loader knows nothing of it, so the two never import each other.
"""

from __future__ import annotations

from pathlib import Path

from simulator.gcpause import without_cyclic_gc
from simulator.library import translation_files
from simulator.scenario.diagnostics import Diagnostic, capped
from simulator.scenario.i18n import YamlPath, translatable_texts, translate, untranslated
from simulator.scenario.loader import LoadResult, load_document, load_scenario, resolve_inside
from simulator.scenario.model import Meters, Translation
from simulator.scenario.templates import names_in
from simulator.scenario.validate import long_label
from simulator.scenario.yamlfile import MAX_FILE_BYTES, YamlDocument

#: How many untranslated texts the W402 warning names before counting the rest.
MISSING_NAMED = 3
#: How much of a source text a message quotes: enough to recognise it.
SHORT_TEXT = 80


def load_translated(
    path: str | Path, language: str | None, max_bytes: int = MAX_FILE_BYTES
) -> LoadResult:
    """Load, check and compile one scenario file, in ``language`` where that is not the
    scenario's own (None: its own)."""
    with without_cyclic_gc():
        result = load_scenario(path, max_bytes)
        playable = result.scenario
        if playable is None or not language or language == playable.model.language:
            return result
        found = find_translation(Path(path), language)
        if found is None:
            result.diagnostics.append(
                Diagnostic(
                    "E401",
                    f"no '{language}' translation of '{playable.id}' was found next to it",
                    str(path),
                )
            )
            result.scenario = None
            return result
        result.diagnostics.extend(found.diagnostics)
        if not found.ok or found.translation is None:
            result.scenario = None
            return result
        result.scenario = translate(playable, found.translation)
        return result


def find_translation(scenario_path: Path, language: str) -> LoadResult | None:
    """The checked translation of a scenario into ``language``, or None."""
    for candidate in translation_files(scenario_path):
        if candidate.name.split(".")[-2] == language:
            document, kind, model, problems = load_document(candidate)
            if isinstance(model, Translation):
                return check_translation(candidate, model, document)
            return LoadResult(str(candidate), kind, diagnostics=problems)
    return None


def check_translation(
    path: Path, translation: Translation, document: YamlDocument | None
) -> LoadResult:
    """Check a translation against the scenario it translates."""
    result = LoadResult(str(path), "translation", translation=translation)
    problems: list[Diagnostic] = []
    target = resolve_inside(path.parent, translation.translates)
    if not isinstance(target, Path):
        why = target or "is outside this folder"
        problems.append(
            Diagnostic("E401", f"'{translation.translates}' {why}", path=("translates",))
        )
    elif not target.exists():
        problems.append(
            Diagnostic("E401", f"'{translation.translates}' does not exist", path=("translates",))
        )
    elif not target.is_file():  # a folder, a named pipe: never opened
        problems.append(
            Diagnostic(
                "E401", f"'{translation.translates}' is not a regular file", path=("translates",)
            )
        )
    else:
        original = load_scenario(target)
        if original.scenario is None:
            problems.append(
                Diagnostic(
                    "E401",
                    f"'{translation.translates}' has errors; fix it first",
                    path=("translates",),
                )
            )
        else:
            texts = translatable_texts(original.scenario.model, dict(original.scenario.characters))
            problems.extend(_missing(texts, translation.strings, original.scenario.model.language))
            for key, text in translation.strings.items():
                if key not in texts:
                    problems.append(
                        Diagnostic(
                            "E403",
                            f"'{key}' is not a text of the scenario (renamed or removed?)",
                            path=("strings", key),
                            at_key=True,
                        )
                    )
                elif text.strip():
                    problems.extend(_blanks(key, texts[key][0], text))
            problems.extend(_long_labels(original.scenario.model.meters, translation.strings))
    problems = capped(problems)
    if document is not None:
        problems = [document.locate(p) for p in problems]
    result.diagnostics = problems
    return result


def _missing(
    texts: dict[str, tuple[str, YamlPath]], strings: dict[str, str], source_language: str
) -> list[Diagnostic]:
    """One warning for every text not translated yet: a translation is written in steps,
    and plays meanwhile with the source text where it has none."""
    missing = untranslated(texts, strings)
    if not missing:
        return []
    named = ", ".join(f"'{key}' (\"{_short(texts[key][0])}\")" for key in missing[:MISSING_NAMED])
    more = len(missing) - MISSING_NAMED
    return [
        Diagnostic(
            "W402",
            f"{len(missing):,} of {len(texts):,} texts are not translated yet and show in "
            f"the source language ({source_language}): {named}"
            + (f" and {more:,} more" if more > 0 else "")
            + "; 'python -m simulator translate' writes each one in with its source text",
            path=("strings",),
            at_key=True,
        )
    ]


def _long_labels(meters: Meters, strings: dict[str, str]) -> list[Diagnostic]:
    """W509 for a translated label of a visible meter that the game's top bar would cut
    short: a translation is often longer than its source."""
    found = []
    for name, meter in (("satisfaction", meters.satisfaction), ("cost", meters.cost)):
        key = f"meters.{name}.label"
        problem = long_label(strings.get(key, "").strip()) if meter.visible else None
        if problem is not None:
            found.append(Diagnostic("W509", problem, path=("strings", key)))
    return found


def _blanks(key: str, source: str, text: str) -> list[Diagnostic]:
    """An error when a translated text fills in other values than its source: a blank
    lost shows the trainee less, and one the scenario does not have stays unfilled."""
    wanted = {name for name, _ in names_in(source)}
    written = list(names_in(text))
    extra = [(name, offset) for name, offset in written if name not in wanted]
    lost = sorted(wanted - {name for name, _ in written})
    if not extra and not lost:
        return []
    parts = [f"{{{name}}} is not in the source" for name in dict(extra)]
    parts += [f"{{{name}}} is missing" for name in lost]
    return [
        Diagnostic(
            "E404",
            f"'{key}' must fill in the same names in braces as its source text: "
            + ", ".join(parts)
            + " (write {{ and }} for a brace)",
            path=("strings", key),
            offset=extra[0][1] if extra else None,
        )
    ]


def _short(text: str) -> str:
    """Enough of a source text to recognise it, on one line."""
    text = " ".join(text.split())
    return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1] + "…"
