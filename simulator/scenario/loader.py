"""The one way in: file -> plain data -> model -> checked, playable scenario.

``load_scenario`` never raises for bad content. It returns a ``LoadResult``
whose diagnostics carry file, line and column, and a ``PlayableScenario`` only
when there is no error.
"""

from __future__ import annotations

import functools
import hashlib
import math
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ValidationError

from simulator.gcpause import without_cyclic_gc
from simulator.scenario.diagnostics import (
    Diagnostic,
    bounded_suggestions,
    capped,
    closest,
    has_errors,
    sort_key,
    suggest,
)
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
from simulator.scenario.yamlfile import (
    MAX_FILE_BYTES,
    YamlDocument,
    nesting_problem,
    read_file,
    step_text,
)

MAX_INCLUDES = 20
#: The largest whole number a file may write: SQLite's integer range, far beyond any
#: count, day or seed a scenario needs. Python reads any size, and a larger one fails
#: later, where it is stored, or printed (past 4,300 digits).
MAX_WHOLE_NUMBER = 2**63 - 1


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
    """A value from the file, short enough for a message (and never a whole number too
    long for Python to write: over 4,300 digits ``repr`` raises)."""
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, int) and value.bit_length() > 64:
        return step_text(value)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _quoted(value: Any) -> str:
    """Text in quotes as the file has it (Diagnostic.format shows control characters
    escaped), anything else described."""
    return f"'{value}'" if isinstance(value, str) and len(value) <= 100 else _describe(value)


def _where(location: tuple[Any, ...]) -> str:
    return ".".join(step_text(step) for step in location) or "the file"


def model_diagnostics(error: ValidationError, model: type[BaseModel]) -> list[Diagnostic]:
    with bounded_suggestions():
        return _model_diagnostics(error, model)


def _model_diagnostics(error: ValidationError, model: type[BaseModel]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    items = error.errors(include_url=False)
    renamed = _renamed_keys(items)
    replaced = set(renamed.values())
    for item in items:
        location = tuple(item["loc"])
        kind = item["type"]
        key = step_text(location[-1]) if location else ""
        where = _where(location)
        if kind == "extra_forbidden":
            found.append(_unknown_key(model, location, item.get("input"), renamed))
        elif kind == "missing" and location in replaced:
            continue  # told with the unknown key that stands in its place
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
                        f"{where}: {_quoted(item.get('input'))} is not a valid id; use letters, "
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


def _renamed_keys(items: list[Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Unknown keys that stand where a required key is missing, mapped to that missing
    key's location: ``else:`` in a branch, ``txt:`` for ``text:``. One slip, so one
    diagnostic (E101), not an E101 and an E102. Paired within each mapping: the one
    unknown key with the one missing key, else each missing key with the unknown key
    spelt like it."""
    unknown: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    missing: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for item in items:
        location = tuple(item["loc"])
        if location and item["type"] in ("extra_forbidden", "missing"):
            group = unknown if item["type"] == "extra_forbidden" else missing
            group.setdefault(location[:-1], []).append(location)
    renamed: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for mapping, keys in unknown.items():
        wanted = missing.get(mapping, [])
        if len(keys) == 1 and len(wanted) == 1:
            renamed[keys[0]] = wanted[0]
            continue
        by_name = {step_text(location[-1]): location for location in wanted}
        for location in keys:
            meant = closest(step_text(location[-1]), by_name) if by_name else None
            if meant is not None:
                renamed[location] = by_name.pop(meant)
    return renamed


def _unknown_key(
    model: type[BaseModel],
    location: tuple[Any, ...],
    value: Any,
    renamed: dict[tuple[Any, ...], tuple[Any, ...]],
) -> Diagnostic:
    key = step_text(location[-1])
    missing = renamed.get(location)
    if missing is None:
        allowed = _allowed_keys(_model_at(model, location[:-1]))
        hint = suggest(key, allowed) or (f"; allowed here: {', '.join(allowed)}" if allowed else "")
        return Diagnostic("E101", f"unknown key '{key}'{hint}", path=location, at_key=True)
    wanted = step_text(missing[-1])
    if key == "else" and wanted == "next" and len(location) >= 3 and location[-3] == "branch":
        target = value if isinstance(value, str) and len(value) <= 100 else "NODE"
        message = (
            "a branch has no 'else': the last branch, the one without 'if', is taken when "
            f"no 'if' above it holds, so write it as '- next: {target}'"
        )
    elif closest(key, [wanted]) is not None:
        message = f"unknown key '{key}'; write '{wanted}:', which is required here"
    else:
        message = (
            f"unknown key '{key}', and the required key '{wanted}' is missing here; "
            f"did you mean '{wanted}:'?"
        )
    return Diagnostic("E101", message, path=location, at_key=True)


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
    if not isinstance(kind, str) or kind not in FILE_MODELS:
        return None, [
            Diagnostic(
                "E012",
                f"unknown kind {_describe(kind)}; use one of {', '.join(FILE_MODELS)}",
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
                f"this file is written for format {_describe(version)}; this "
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
    for diagnostic in capped(list(found)):
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
        return None, None, None, capped(problems)  # a thousand duplicate keys: E006 each
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
    unsafe = list(_unsafe_numbers(model))
    if unsafe:
        return document, kind, None, _located(document, str(path), unsafe)
    return document, kind, model, []


def model_despite_unknown_keys(data: Any, model_class: type[BaseModel]) -> BaseModel | None:
    """The model of data whose only faults are unknown keys, read as if those keys were
    not there; None when anything else is wrong. The unknown keys are still errors (E101):
    this only lets a checker go on to what it checks next, so that one misspelt key does
    not hide the file's other mistakes."""
    try:
        return model_class.model_validate(data)
    except ValidationError as error:
        items = error.errors(include_url=False)
    except (RecursionError, pydantic.PydanticSchemaGenerationError):
        return None
    if any(item["type"] != "extra_forbidden" for item in items):
        return None
    unknown = {tuple(item["loc"]) for item in items}
    on_the_way = {location[:depth] for location in unknown for depth in range(len(location))}
    try:
        return model_class.model_validate(_leaving_out(data, (), unknown, on_the_way))
    except (ValidationError, RecursionError):
        return None


def _leaving_out(
    item: Any,
    where: tuple[Any, ...],
    unknown: set[tuple[Any, ...]],
    on_the_way: set[tuple[Any, ...]],
) -> Any:
    """``item`` without the keys at ``unknown``; only the mappings and lists on the way to
    one are copied."""
    if where not in on_the_way:
        return item
    if isinstance(item, dict):
        return {
            key: _leaving_out(value, (*where, key), unknown, on_the_way)
            for key, value in item.items()
            if (*where, key) not in unknown
        }
    if isinstance(item, list):
        return [
            _leaving_out(value, (*where, index), unknown, on_the_way)
            for index, value in enumerate(item)
        ]
    return item


@functools.cache
def _number_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """The fields of a model that can hold a number, at any depth (name, key in the file):
    the only ones ``_unsafe_numbers`` needs to visit."""
    return tuple(
        (name, info.alias or name)
        for name, info in model.model_fields.items()
        if _may_hold_number(info.annotation)
    )


def _may_hold_number(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return bool(_number_fields(annotation))
    return any(_may_hold_number(argument) for argument in typing.get_args(annotation))


def _unsafe_numbers(model: BaseModel) -> Iterable[Diagnostic]:
    """E104 for every number no scenario can mean: infinity or NaN (YAML's ``.inf`` and
    ``.nan``, ``1e400``, or the text "inf" that pydantic reads as a number), and whole
    numbers past MAX_WHOLE_NUMBER. The models' ranges let them through where they have
    no upper bound (a variable's min, a branch weight, a cost), and arithmetic, clamping
    and printing then fail. Only fields that can hold a number are visited."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(model, ())]
    while stack:
        item, where = stack.pop()
        if isinstance(item, BaseModel):
            stack.extend(
                (getattr(item, name), (*where, key)) for name, key in _number_fields(type(item))
            )
        elif isinstance(item, dict):
            stack.extend((value, (*where, key)) for key, value in item.items())
        elif isinstance(item, list):
            stack.extend((value, (*where, index)) for index, value in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            yield Diagnostic(
                "E104", f"{_where(where)}: input should be a finite number, not {item}", path=where
            )
        elif (
            isinstance(item, int)
            and not isinstance(item, bool)
            and not -MAX_WHOLE_NUMBER <= item <= MAX_WHOLE_NUMBER
        ):
            yield Diagnostic(
                "E104",
                f"{_where(where)}: input should be between -{MAX_WHOLE_NUMBER:,} and "
                f"{MAX_WHOLE_NUMBER:,}, not {_describe(item)}",
                path=where,
            )


def _confined(base: Path, relative: str) -> Path | None:
    """Resolve ``relative`` against ``base``; None when it escapes that folder."""
    if Path(relative).is_absolute():
        return None
    target = (base / relative).resolve()
    root = base.resolve()
    return target if target == root or root in target.parents else None


def resolve_inside(base: Path, relative: str) -> Path | str | None:
    """A path a file names, resolved inside ``base``; None when it escapes that folder,
    and why not when it cannot be resolved at all (a symlink loop, a NUL in the name)."""
    try:
        return _confined(base, relative)
    except (OSError, RuntimeError, ValueError) as error:  # 3.11 raises RuntimeError on loops
        return f"cannot be followed: {error}"


def _includes(
    scenario: Scenario, path: Path, hasher: Any
) -> tuple[dict[str, Character], list[Diagnostic]]:
    characters: dict[str, Character] = {}
    problems: list[Diagnostic] = []
    for index, relative in enumerate(scenario.includes[:MAX_INCLUDES]):
        where = ("includes", index)
        target = resolve_inside(path.parent, relative)
        if not isinstance(target, Path):
            why = target or "is outside the scenario's folder; includes must stay inside it"
            problems.append(Diagnostic("E212", f"'{relative}' {why}", path=where))
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
