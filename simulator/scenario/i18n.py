"""Translations: separate files keyed by the scenario's stable ids.

A translation never touches structure or expressions; it swaps the text of a
checked scenario for the text in another language. The key of every
translatable text is derived here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from simulator.library import available_languages
from simulator.scenario.model import Scenario, Translation, VariableText
from simulator.scenario.playable import PlayableScenario, choice_id, line_id, mood_label

YamlPath = tuple[str | int, ...]
__all__ = [
    "available_languages",
    "is_translated",
    "translatable_texts",
    "translate",
    "untranslated",
]


def translatable_texts(
    model: Scenario, characters: dict[str, Any] | None = None
) -> dict[str, tuple[str, YamlPath]]:
    """Every text a trainee can see: key -> (source text, where it sits in the data)."""
    texts: dict[str, tuple[str, YamlPath]] = {}

    def add(key: str, text: VariableText | None, path: YamlPath) -> None:
        # (No call of itself for variants: a closure that calls itself is a reference
        # cycle, which the analysis, running with the cycle collector paused, would keep.)
        if isinstance(text, list):  # variants: one key each, numbered from 1
            for index, variant in enumerate(text):
                if variant.text:
                    texts[f"{key}.{index + 1}"] = (variant.text, (*path, index, "text"))
        elif text:
            texts[key] = (text, path)

    add("title", model.title, ("title",))
    add("summary", model.summary, ("summary",))
    for lesson_id, lesson in model.lessons.items():
        add(f"lessons.{lesson_id}.title", lesson.title, ("lessons", lesson_id, "title"))
        add(f"lessons.{lesson_id}.debrief", lesson.debrief, ("lessons", lesson_id, "debrief"))
    for character_id, character in (characters or model.characters).items():
        path: YamlPath = ("characters", character_id)
        add(f"characters.{character_id}.name", character.name, (*path, "name"))
        add(f"characters.{character_id}.description", character.description, (*path, "description"))
    for mood in sorted({m for c in (characters or model.characters).values() for m in c.moods}):
        add(f"moods.{mood}", mood_label(mood), ("characters",))
    add(
        "meters.satisfaction.label",
        model.meters.satisfaction.label,
        ("meters", "satisfaction", "label"),
    )
    add("meters.cost.label", model.meters.cost.label, ("meters", "cost", "label"))
    for name, part in model.meters.cost.components.items():
        part_path: YamlPath = ("meters", "cost", "components", name)
        add(f"meters.cost.components.{name}.label", part.label, (*part_path, "label"))
        add(f"meters.cost.components.{name}.unit", part.unit, (*part_path, "unit"))
    for name, variable in model.variables.items():
        add(f"variables.{name}.label", variable.label, ("variables", name, "label"))
    if model.clock is not None:
        for index, name in enumerate(model.clock.day_names or []):
            add(f"clock.days.{index + 1}", name, ("clock", "day_names", index))
    for grade_id, grade in model.scoring.grades.items():
        add(f"grades.{grade_id}", grade.label, ("scoring", "grades", grade_id, "label"))
    for episode_id, episode in model.episodes.items():
        add(f"episodes.{episode_id}.title", episode.title, ("episodes", episode_id, "title"))
        add(f"episodes.{episode_id}.intro", episode.intro, ("episodes", episode_id, "intro"))
    for node_id, node in model.nodes.items():
        node_path: YamlPath = ("nodes", node_id)
        for index, line in enumerate(node.lines):
            add(
                f"lines.{line_id(node_id, index, line)}",
                line.text,
                (*node_path, "lines", index, "text"),
            )
        for index, choice in enumerate(node.choices or []):
            key = f"choices.{choice_id(node_id, index, choice)}"
            choice_path = (*node_path, "choices", index)
            add(f"{key}.text", choice.text, (*choice_path, "text"))
            add(f"{key}.reason", choice.reason, (*choice_path, "reason"))
            add(f"{key}.feedback", choice.feedback, (*choice_path, "feedback"))
            add(f"{key}.critical", choice.critical, (*choice_path, "critical"))
        if node.timer is not None:
            add(
                f"timers.{node_id}.feedback", node.timer.feedback, (*node_path, "timer", "feedback")
            )
        if node.ending is not None:
            add(f"endings.{node_id}.title", node.ending.title, (*node_path, "ending", "title"))
            add(f"endings.{node_id}.text", node.ending.text, (*node_path, "ending", "text"))
    return texts


def is_translated(strings: dict[str, str], key: str) -> bool:
    """Whether a translation has a text for ``key``. A key left empty (as a stub writes
    it) is not translated yet: the source text shows in its place."""
    return bool(strings.get(key, "").strip())


def untranslated(keys: Iterable[str], strings: dict[str, str]) -> list[str]:
    """The ``keys`` (of texts, in source order) that ``strings`` does not translate yet."""
    return [key for key in keys if not is_translated(strings, key)]


def translate(playable: PlayableScenario, translation: Translation) -> PlayableScenario:
    """The same scenario with every translated text swapped in; a text not translated
    yet stays as the source has it, so a translation can be played while it grows."""
    given = translation.strings
    strings = {key: text for key, text in given.items() if is_translated(given, key)}
    texts = translatable_texts(playable.model, dict(playable.characters))
    data = playable.model.model_dump(by_alias=True, exclude_none=True)
    characters = {
        key: value.model_dump(by_alias=True) for key, value in playable.characters.items()
    }
    mood_labels = dict(playable.mood_labels)
    for key, (_, path) in texts.items():
        if key in strings and key.startswith("moods."):
            mood_labels[key.removeprefix("moods.")] = strings[key]
        elif key in strings:
            if path[0] == "characters":
                characters[path[1]][path[2]] = strings[key]
            else:
                _set(data, path, strings[key])
    data["language"] = translation.language
    data["characters"] = {key: characters[key] for key in playable.model.characters}
    model = Scenario.model_validate(data)
    merged = {
        key: type(value).model_validate(characters[key])
        for key, value in playable.characters.items()
    }
    return replace(playable, model=model, characters=merged, mood_labels=mood_labels)


def _set(data: Any, path: YamlPath, value: str) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value
