"""The one way in: file -> plain data -> model -> checked, playable scenario.

``load_scenario`` never raises for bad content. It returns a ``LoadResult``
whose diagnostics carry file, line and column, and a ``PlayableScenario`` only
when there is no error.
"""

from __future__ import annotations

import hashlib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ValidationError

from simulator.gcpause import without_cyclic_gc
from simulator.scenario.diagnostics import Diagnostic, has_errors, sort_key, suggest
from simulator.scenario.model import (
    FILE_MODELS,
    FORMAT_VERSION,
    MIN_FORMAT_VERSION,
    Character,
    CharacterFile,
    Scenario,
    Translation,
)
from simulator.scenario.playable import (
    PlayableScenario,
    id_tables,
    initial_values,
    mood_label,
)
from simulator.scenario.validate import check_scenario
from simulator.scenario.yamlfile import MAX_FILE_BYTES, YamlDocument, nesting_problem, read_file

MAX_INCLUDES = 20


@dataclass
class LoadResult:
    path: str
    kind: str | None = None
    scenario: PlayableScenario | None = None
    translation: Translation | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


# ---------------------------------------------------------------- model errors

_TYPE_ERRORS = {
    "int_type",
    "int_parsing",
    "int_from_float",
    "float_type",
    "float_parsing",
    "string_type",
    "bool_type",
    "bool_parsing",
    "list_type",
    "dict_type",
    "model_type",
    "model_attributes_type",
    "none_required",
}
_RANGE_ERRORS = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_short",
    "too_long",
    "string_too_long",
    "string_too_short",
}


def _model_at(model: type[BaseModel], location: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The model class whose fields apply at ``location`` (for "did you mean")."""
    current: Any = model
    for step in location:
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or name: f for name, f in current.model_fields.items()}
            if step not in fields:
                return None
            current = fields[step].annotation
        else:
            current = _unwrap(current, step)
            if current is None:
                return None
        current = _strip_optional(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _strip_optional(annotation: Any) -> Any:
    arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(arguments) == 1:
        return arguments[0]
    return annotation


def _unwrap(annotation: Any, step: str | int) -> Any:
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin is list and arguments:
        return arguments[0]
    if origin is dict and len(arguments) == 2:
        return arguments[1]
    return None


def _allowed_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _describe(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def model_diagnostics(error: ValidationError, model: type[BaseModel]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for item in error.errors(include_url=False):
        location = tuple(item["loc"])
        kind = item["type"]
        key = location[-1] if location else ""
        where = ".".join(str(step) for step in location) or "the file"
        if kind == "extra_forbidden":
            allowed = _allowed_keys(_model_at(model, location[:-1]))
            hint = suggest(str(key), allowed) or (
                f"; allowed here: {', '.join(allowed)}" if allowed else ""
            )
            found.append(
                Diagnostic("E101", f"unknown key '{key}'{hint}", path=location, at_key=True)
            )
        elif kind == "missing":
            found.append(
                Diagnostic(
                    "E102",
                    f"missing required key '{key}'",
                    path=location[:-1],
                    at_key=bool(location[:-1]),
                )
            )
        elif kind in _TYPE_ERRORS or kind.endswith("_type"):
            found.append(
                Diagnostic(
                    "E103",
                    f"{where}: {_lower(item['msg'])}, not {_describe(item.get('input'))}",
                    path=location,
                )
            )
        elif kind in _RANGE_ERRORS:
            found.append(Diagnostic("E104", f"{where}: {_lower(item['msg'])}", path=location))
        elif kind == "string_pattern_mismatch":
            if "A-Za-z0-9_.-" in str(item.get("ctx", {}).get("pattern", "")):
                found.append(
                    Diagnostic(
                        "E106",
                        f"{where}: '{item.get('input')}' is not a valid id; use letters, "
                        "digits, '-', '_' and '.', starting with a letter or digit",
                        path=location,
                    )
                )
            else:
                found.append(
                    Diagnostic(
                        "E105",
                        f"{where}: {_describe(item.get('input'))} is not in the expected form",
                        path=location,
                    )
                )
        else:
            found.append(Diagnostic("E105", f"{where}: {_lower(item['msg'])}", path=location))
    return _without_union_noise(found)


def _lower(message: str) -> str:
    return message[:1].lower() + message[1:]


def _without_union_noise(found: list[Diagnostic]) -> list[Diagnostic]:
    # pydantic reports one error per member of a union; one per place is enough.
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for diagnostic in found:
        place = (
            diagnostic.path[:-1]
            if diagnostic.code == "E103"
            and diagnostic.path
            and diagnostic.path[-1] in ("int", "float", "bool", "str")
            else diagnostic.path
        )
        key = (diagnostic.code, place)
        if key not in seen:
            seen.add(key)
            kept.append(
                diagnostic
                if place == diagnostic.path
                else Diagnostic(diagnostic.code, diagnostic.message, path=place)
            )
    return kept


# ---------------------------------------------------------------- files


def _file_kind(document: YamlDocument) -> tuple[str | None, list[Diagnostic]]:
    data = document.data
    if not isinstance(data, dict):
        return None, [
            Diagnostic(
                "E103",
                "the file must be a mapping of keys (such as 'format:' "
                f"and 'id:'), not {_describe(data)}",
            )
        ]
    kind = data.get("kind", "scenario")
    if kind not in FILE_MODELS:
        return None, [
            Diagnostic(
                "E012",
                f"unknown kind '{kind}'; use one of {', '.join(FILE_MODELS)}",
                path=("kind",),
            )
        ]
    version = data.get("format")
    if version is None:
        return None, [
            Diagnostic(
                "E102",
                f"missing required key 'format' (write 'format: {FORMAT_VERSION}' at the top)",
            )
        ]
    if not isinstance(version, int) or isinstance(version, bool):
        return None, [
            Diagnostic(
                "E011", f"format must be a whole number such as {FORMAT_VERSION}", path=("format",)
            )
        ]
    if version > FORMAT_VERSION:
        return None, [
            Diagnostic(
                "E011",
                f"this file is written for format {version}; this "
                f"simulator reads formats {MIN_FORMAT_VERSION} to "
                f"{FORMAT_VERSION}; update the simulator",
                path=("format",),
            )
        ]
    if version < MIN_FORMAT_VERSION:
        return None, [
            Diagnostic(
                "E011",
                f"format {version} is no longer supported; the oldest "
                f"this simulator reads is {MIN_FORMAT_VERSION}",
                path=("format",),
            )
        ]
    return kind, []


def _located(
    document: YamlDocument | None, path: str, found: Iterable[Diagnostic]
) -> list[Diagnostic]:
    result = []
    for diagnostic in found:
        if diagnostic.file != "<string>":
            result.append(diagnostic)
        elif document is not None:
            result.append(document.locate(diagnostic))
        else:
            result.append(diagnostic.located(path, diagnostic.line, diagnostic.column))
    return sorted(result, key=sort_key)


def load_document(
    path: Path, max_bytes: int = MAX_FILE_BYTES
) -> tuple[YamlDocument | None, str | None, BaseModel | None, list[Diagnostic]]:
    """Read a file of any kind and validate its shape against its model."""
    document, problems = read_file(path, max_bytes)
    if document is None:
        return None, None, None, problems
    kind, problems = _file_kind(document)
    if kind is None:
        deep = nesting_problem(document)
        if deep is not None:
            return None, None, None, [deep]
        return document, None, None, _located(document, str(path), problems)
    model_class = FILE_MODELS[kind]
    try:
        model = model_class.model_validate(document.data)
    except ValidationError as error:
        deep = nesting_problem(document)
        if deep is not None:
            return None, kind, None, [deep]
        return (
            document,
            kind,
            None,
            _located(document, str(path), model_diagnostics(error, model_class)),
        )
    except (RecursionError, pydantic.PydanticSchemaGenerationError):
        return (
            document,
            kind,
            None,
            [Diagnostic("E008", "the file is nested too deeply", str(path))],
        )
    return document, kind, model, []


def _confined(base: Path, relative: str) -> Path | None:
    """Resolve ``relative`` against ``base``; None when it escapes that folder."""
    if Path(relative).is_absolute():
        return None
    target = (base / relative).resolve()
    root = base.resolve()
    return target if target == root or root in target.parents else None


def _includes(
    scenario: Scenario, path: Path, hasher: Any
) -> tuple[dict[str, Character], list[Diagnostic]]:
    characters: dict[str, Character] = {}
    problems: list[Diagnostic] = []
    for index, relative in enumerate(scenario.includes[:MAX_INCLUDES]):
        where = ("includes", index)
        target = _confined(path.parent, relative)
        if target is None:
            problems.append(
                Diagnostic(
                    "E212",
                    f"'{relative}' is outside the scenario's folder; includes must stay inside it",
                    path=where,
                )
            )
            continue
        document, kind, model, included = load_document(target)
        if included:
            problems.append(
                Diagnostic("E212", f"'{relative}' has errors (shown below)", path=where)
            )
            problems.extend(included)
            continue
        if not isinstance(model, CharacterFile):
            problems.append(
                Diagnostic(
                    "E212",
                    f"'{relative}' is a {kind} file; includes take files with 'kind: characters'",
                    path=where,
                )
            )
            continue
        assert document is not None
        hasher.update(document.text.encode("utf-8"))
        for character_id, character in model.characters.items():
            if character_id in characters or character_id in scenario.characters:
                problems.append(
                    Diagnostic(
                        "E205",
                        f"character '{character_id}' from '{relative}' is defined twice",
                        path=where,
                    )
                )
            characters[character_id] = character
    if len(scenario.includes) > MAX_INCLUDES:
        problems.append(Diagnostic("E212", f"at most {MAX_INCLUDES} includes", path=("includes",)))
    return characters, problems


def build_playable(
    scenario: Scenario, path: Path, document_text: str
) -> tuple[PlayableScenario | None, list[Diagnostic]]:
    """Check a shape-valid scenario and compile it (positions are not filled in)."""
    hasher = hashlib.sha256(document_text.encode("utf-8"))
    included, problems = _includes(scenario, path, hasher)
    characters = {**included, **scenario.characters}
    found, expressions, declarations = check_scenario(scenario, characters)
    problems.extend(found)
    if has_errors(problems):
        return None, problems
    choice_table, line_table = id_tables(scenario)
    episode_starts = {
        episode.start: episode_id for episode_id, episode in scenario.episodes.items()
    }
    playable = PlayableScenario(
        model=scenario,
        path=str(path),
        content_hash=hasher.hexdigest(),
        characters=characters,
        declarations=declarations,
        conditions=expressions.conditions,
        effects=expressions.effects,
        episode_starts=episode_starts,
        choice_ids=choice_table,
        line_ids=line_table,
        initial_values=initial_values(scenario, declarations),
        mood_labels={mood: mood_label(mood) for c in characters.values() for mood in c.moods},
    )
    return playable, problems


def load_scenario(path: str | Path, max_bytes: int = MAX_FILE_BYTES) -> LoadResult:
    """Load, check and compile one scenario file, in its own language (for another, see
    translations.load_translated)."""
    with without_cyclic_gc():
        return _load_scenario(Path(path), max_bytes)


def _load_scenario(path: Path, max_bytes: int) -> LoadResult:
    document, kind, model, problems = load_document(path, max_bytes)
    if model is not None and not isinstance(model, Scenario):
        problems = [Diagnostic("E012", f"this is a {kind} file, not a scenario", str(path))]
    if document is None or not isinstance(model, Scenario):
        return LoadResult(str(path), kind, diagnostics=problems)
    return finish_scenario(path, document, model)


def finish_scenario(path: Path, document: YamlDocument, model: Scenario) -> LoadResult:
    """Check and compile a scenario file whose shape is valid."""
    result = LoadResult(str(path), "scenario")
    playable, problems = build_playable(model, path, document.text)
    result.diagnostics = _located(document, str(path), problems)
    result.scenario = playable if result.ok else None
    return result
