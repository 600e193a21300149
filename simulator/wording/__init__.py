"""The interface's own words, in the trainee's language.

Scenario text comes translated from the scenario's translation files; the words
around it (buttons, headings, hints, the score explanation) come from here, one
YAML file per language beside this module. English is complete; any other file
may lack words, which then show in English rather than not at all. To add a
language, copy ``en.yaml`` to ``CODE.yaml`` and translate the values, keeping
the ``{names}`` in braces: they are filled in when the words are shown.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml_rs

FOLDER = Path(__file__).resolve().parent
BASE = "en"


@dataclass(frozen=True)
class Wording:
    language: str
    texts: Mapping[str, str]

    def __call__(self, key: str, **values: object) -> str:
        text = self.texts[key]
        return text.format(**values) if values else text

    def amount(self, value: float, signed: bool = False) -> str:
        """A meter's value as this language writes it: at most two decimals, thousands
        grouped (1,280,000 in English; 1 280 000 with a no-break space where the decimal
        mark is a comma), never in exponent form as ``:g`` gives large sums."""
        if not math.isfinite(value):
            return format(value, "+g" if signed else "g")
        value = round(value, 2) or 0.0  # no "-0"
        whole, _, fraction = format(value, "+,.2f" if signed else ",.2f").partition(".")
        fraction = fraction.rstrip("0")
        return self._localised(whole + ("." + fraction if fraction else ""))

    def number(self, value: float, spec: str = "g") -> str:
        """A number with a fixed number of decimals (``spec`` such as ".1f"), grouped and
        marked as ``amount`` does; ``"g"`` is ``amount`` itself."""
        if spec == "g" or not math.isfinite(value):
            return self.amount(value)
        return self._localised(format(value, "," + spec))

    def _localised(self, text: str) -> str:
        """English digits ("1,234.5") in this language's marks."""
        if self.texts["format.decimal_point"] == ".":
            return text
        return text.replace(",", "\u00a0").replace(".", self.texts["format.decimal_point"])


def catalogue(language: str) -> dict[str, str]:
    """One language's file as it stands (for the checks of translations)."""
    data = yaml_rs.loads((FOLDER / f"{language}.yaml").read_text(encoding="utf-8"))
    return {str(key): str(value) for key, value in data.items()}


def languages() -> list[str]:
    return sorted(path.stem for path in FOLDER.glob("*.yaml"))


@functools.cache
def wording(language: str | None) -> Wording:
    """The words for a language; English for a language without a file, and for any
    word its file lacks."""
    texts = catalogue(BASE)
    if language and language != BASE and (FOLDER / f"{language}.yaml").is_file():
        texts.update(catalogue(language))
        return Wording(language, texts)
    return Wording(BASE, texts)
