"""`simulator new NAME`: a scenario, its playthrough tests and a translation stub to start from.

The template is a complete small scenario that validates, plays and passes
its tests as it stands, so a trainer edits something that works.
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

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,60}$")


def scaffold(name: str, folder: Path, language: str) -> list[Path]:
    """Write the three files and return their paths (the caller checked none exists)."""
    title = name.replace("-", " ").capitalize()
    scenario = folder / f"{name}.yaml"
    tests = folder / f"{name}.test.yaml"
    translation = folder / f"{name}.{language}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    scenario.write_text(SCENARIO_TEMPLATE.format(name=name, title=title), encoding="utf-8")
    tests.write_text(TESTS_TEMPLATE.format(name=name), encoding="utf-8")
    loaded = load_scenario(scenario)
    assert loaded.scenario is not None, [d.format() for d in loaded.diagnostics]
    texts = translatable_texts(loaded.scenario.model, dict(loaded.scenario.characters))
    body = "\n".join(f"  {key}: {_quoted(text)}" for key, (text, _) in texts.items())
    translation.write_text(
        f"# The {language} translation of {name}.yaml. Replace each English text.\n"
        f"# Check it with: python -m simulator validate {translation.name}\n"
        f"format: 1\nkind: translation\ntranslates: {name}.yaml\nlanguage: {language}\n"
        f"strings:\n{body}\n",
        encoding="utf-8",
    )
    return [scenario, tests, translation]


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def add_new_command(subparsers: Any) -> None:
    """Register `new` on the command line's subcommands."""
    new = subparsers.add_parser("new", help="start a scenario from a template that works")
    new.add_argument("name", help="the scenario id, e.g. late-client")
    new.add_argument("--folder", default=".", help="where to write the files (default: here)")
    new.add_argument("--translation", default="hu", help="language of the translation stub")
    new.set_defaults(handler=command_new)


def command_new(arguments: argparse.Namespace) -> int:
    if not NAME.match(arguments.name):
        return _usage_error(
            "the name is the scenario's id: lower-case letters, digits and '-', such as late-client"
        )
    if not re.match(r"^[a-z]{2,3}$", arguments.translation):
        return _usage_error("--translation takes a language code such as hu")
    folder = Path(arguments.folder)
    planned = [
        folder / f"{arguments.name}{suffix}"
        for suffix in (".yaml", ".test.yaml", f".{arguments.translation}.yaml")
    ]
    existing = [str(path) for path in planned if path.exists()]
    if existing:
        return _usage_error(f"will not overwrite {', '.join(existing)}")
    for path in scaffold(arguments.name, folder, arguments.translation):
        print(f"wrote {path}")
    print(
        f"next: edit {planned[0]}, then run 'python -m simulator validate {folder}' and "
        f"'python -m simulator test {folder}'"
    )
    return EXIT_OK
