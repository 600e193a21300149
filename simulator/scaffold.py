"""`simulator new NAME`: a scenario and its playthrough tests to start from, and on request
a translation stub.

The template is a complete small scenario that validates, plays and passes
its tests as it stands, so a trainer edits something that works. A translation
is something a trainer decides on, so its stub is written only for the language
asked for (`--translation CODE`); `translate` starts one later just as well.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

from simulator.exit_codes import EXIT_OK
from simulator.exit_codes import usage_error as _usage_error
from simulator.scenario.i18n import translatable_texts
from simulator.scenario.loader import load_scenario
from simulator.translate_command import LANGUAGE

SCENARIO_TEMPLATE = """\
# A new scenario. The format is described in docs/scenario-format.md.
# Check it with:  python -m simulator validate {name}.yaml
# Play it with:   python -m simulator play {name}.yaml
format: 1
id: {name}
title: {title}
version: 1
language: en
summary: A customer wants more than the rules allow. Replace this with your story.
minutes: 5

lessons:
  listen-first:
    title: Listen before you answer
    debrief: >-
      Let the customer finish, say back what you heard, and only then offer
      what you can do.

characters:
  customer:
    name: Sam Carter
    role: customer
    description: A regular customer, in a hurry today.
    moods: [neutral, pleased, annoyed, angry]
    mood: annoyed

meters:
  satisfaction: {{start: 40, visible: true}}
  cost: {{unit: money, currency: EUR, start: 0, visible: true}}

start: complaint

nodes:
  complaint:
    lines:
      - id: complaint.l1
        speaker: customer
        text: I was told this would be ready today. It isn't. What are you going to do about it?
    choices:
      - id: give-everything
        text: I'm so sorry. It's on us, and we'll bring it to your door tonight.
        effects: [satisfaction += 30, cost += 60]
        next: costly-end
        feedback: He is happy, but you paid far more than the delay was worth.
        lesson: listen-first
        tags: [accommodate]
      - id: listen
        text: That's annoying when you've planned around it. What do you need it for?
        effects: [satisfaction += 15]
        next: listened
        feedback: Asking first told you what would actually help.
        lesson: listen-first
        tags: [listen]
      - id: rules
        text: The date on your slip was only ever an estimate, so there's nothing I can do today.
        effects: [satisfaction -= 25]
        next: lost-end
        feedback: A flat no left him with the problem and no reason to come back.
        lesson: listen-first
        tags: [refuse]

  listened:
    lines:
      - id: listened.l1
        speaker: customer
        mood: neutral
        text: I need it for a meeting tomorrow at ten.
    choices:
      - id: morning
        text: Then it'll be ready at nine tomorrow. I'll ring you the moment it is.
        effects: [satisfaction += 20, cost += 5]
        next: good-end
        feedback: A concrete promise that fits his real need, at a small cost.
        tags: [negotiate]
      - id: voucher
        text: I can't promise you a time, I'm afraid, but please take this voucher for the trouble.
        effects: [satisfaction -= 5, cost += 20]
        next: costly-end
        feedback: Money without a solution does not solve his problem.
        tags: [accommodate]

  good-end:
    lines:
      - {{id: good-end.l1, speaker: customer, mood: pleased, text: "Nine is fine. Thanks for sorting it."}}
    ending: {{kind: balanced, title: Sorted, text: He gets what he needs at a fair cost.}}
  costly-end:
    ending: {{kind: over-accommodating, title: Expensive peace, text: He is happy; the shop paid for it.}}
  lost-end:
    lines:
      - {{id: lost-end.l1, speaker: customer, mood: angry, text: Then I'll go somewhere that can.}}
    ending: {{kind: lost, title: Customer lost, text: He leaves and tells others why.}}

scoring:
  target: {{satisfaction: 70, cost: 5}}
  cost_limit: 60
  satisfaction_weight: 0.6
  pass_mark: 70
"""

TESTS_TEMPLATE = """\
# Playthrough tests for {name}.yaml. Run them with: python -m simulator test {name}.test.yaml
format: 1
kind: tests
scenario: {name}.yaml
tests:
  - name: listening, then a concrete promise, passes
    choices: [listen, morning]
    expect:
      ending_kind: balanced
      passed: true
  - name: giving everything away fails
    choices: [give-everything]
    expect:
      ending: costly-end
      passed: false
  - name: a flat no loses the customer
    choices: [3]
    expect:
      ending_kind: lost
      passed: false
"""

#: A scenario id that `new` accepts: it names the files too, so it is plainer than the
#: format's ids (no capitals, '_' or '.'). NAME_RULE says the same to a person.
NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,60}")
NAME_RULE = (
    "an id has 2 to 61 characters, lower-case letters, digits and '-', and does not start "
    "with '-' (such as late-client)"
)
NAME_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def name_problems(name: str) -> list[str]:
    """Each way the name breaks NAME, in words (none when it matches): the trainer is
    told what to change, not only the rule."""
    problems = []
    if len(name) < 2:
        problems.append(f"it is too short ({len(name)} character{'s' * (len(name) != 1)})")
    if len(name) > 61:
        problems.append(f"it is too long ({len(name)} characters)")
    unusable = sorted({character for character in name if character not in NAME_CHARACTERS})
    if unusable:
        problems.append("it contains " + ", ".join(repr(character) for character in unusable))
    if name.startswith("-"):
        problems.append("it starts with '-'")
    return problems


def scaffold(name: str, folder: Path, translation: str | None) -> list[Path]:
    """Write the scenario, its tests and, for a ``translation`` language, the stub of that
    translation; return their paths (the caller checked none exists)."""
    title = name.replace("-", " ").capitalize()
    scenario = folder / f"{name}.yaml"
    tests = folder / f"{name}.test.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    scenario.write_text(SCENARIO_TEMPLATE.format(name=name, title=title), encoding="utf-8")
    tests.write_text(TESTS_TEMPLATE.format(name=name), encoding="utf-8")
    if translation is None:
        return [scenario, tests]
    return [scenario, tests, _write_translation_stub(scenario, name, translation)]


def _write_translation_stub(scenario: Path, name: str, language: str) -> Path:
    """Every text of the scenario under its key, still in English, for a translator."""
    stub = scenario.with_name(f"{name}.{language}.yaml")
    loaded = load_scenario(scenario)
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    texts = translatable_texts(loaded.scenario.model, dict(loaded.scenario.characters))
    body = "\n".join(f"  {key}: {_quoted(text)}" for key, (text, _) in texts.items())
    stub.write_text(
        f"# The {language} translation of {name}.yaml. Replace each English text.\n"
        f"# Check it with: python -m simulator validate {stub.name}\n"
        f"format: 1\nkind: translation\ntranslates: {name}.yaml\nlanguage: {language}\n"
        f"strings:\n{body}\n",
        encoding="utf-8",
    )
    return stub


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_new_command(subparsers: Any) -> None:
    """Register `new` on the command line's subcommands."""
    new = subparsers.add_parser("new", help="start a scenario from a template that works")
    new.add_argument("name", help="the scenario id, e.g. late-client")
    new.add_argument("--folder", default=".", help="where to write the files (default: here)")
    new.add_argument(
        "--translation",
        metavar="CODE",
        help="also write a translation stub for this language, e.g. hu (default: none)",
    )
    new.set_defaults(handler=command_new)


def command_new(arguments: argparse.Namespace) -> int:
    name, language = arguments.name, arguments.translation
    if not NAME.fullmatch(name):
        problems = "; ".join(name_problems(name))
        return _usage_error(f"'{name}' cannot be the scenario's id: {problems}; {NAME_RULE}")
    if language is not None and not LANGUAGE.fullmatch(language):
        return _usage_error(
            f"--translation takes a language code such as hu or pt-BR, not '{language}'"
        )
    folder = Path(arguments.folder)
    suffixes = [".yaml", ".test.yaml"] + ([f".{language}.yaml"] if language else [])
    planned = [folder / f"{name}{suffix}" for suffix in suffixes]
    existing = [str(path) for path in planned if path.exists()]
    if existing:
        return _usage_error(f"will not overwrite {', '.join(existing)}")
    for path in scaffold(name, folder, language):
        print(f"wrote {path}")
    print(
        f"next: edit {planned[0]}, then run 'python -m simulator validate {folder}' and "
        f"'python -m simulator test {folder}'"
    )
    if language:
        print(f"then translate each text in {planned[2]}")
    else:
        print(
            f"for a translation: 'python -m simulator translate {planned[0]} --lang CODE' "
            "(CODE such as hu)"
        )
    return EXIT_OK
