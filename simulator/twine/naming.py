"""Ids and names for the scenario, made from Twine's passage names, link texts and
``$variables``: stable (the same story gives the same ids), unique, and valid where the
format expects an id (letters, digits, ``-``, ``_``, ``.``; at most 80 characters) or a
name an expression can use."""

from __future__ import annotations

import re
import unicodedata

#: Room left for a "-2" after an id cut short.
MAX_SLUG = 72
#: Names a Twine variable cannot keep: the scenario language's words, its functions,
#: the clock's values (the meters are mapped on purpose, see conventions).
RESERVED = {
    "and", "or", "not", "true", "false", "day", "time",
    "visits", "chose", "min", "max", "abs", "round", "advance",
}  # fmt: skip
#: Choice ids that mean "let the timer run out" in scripts (E220).
RESERVED_CHOICES = {"t", "timeout"}


def slug(text: str, fallback: str, words: int | None = None) -> str:
    """Lower-case ASCII letters and digits joined by ``-``: "Ügyfél hív!" is
    "ugyfel-hiv"; at most ``words`` words if given; ``fallback`` when nothing is left."""
    text = re.sub("['\u2019]", "", text)  # "here's" is one word
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    found = re.findall(r"[a-z0-9]+", ascii_text.lower())
    joined = "-".join(found[:words])[:MAX_SLUG].strip("-")
    return joined or fallback


class UniqueIds:
    """Hands out ids, adding ``-2``, ``-3``... to one already taken."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(taken or ())

    def make(self, text: str, fallback: str, words: int | None = None) -> str:
        base = slug(text, fallback, words)
        if base in RESERVED_CHOICES:
            base = f"{base}-{fallback}"
        candidate, number = base, 1
        while candidate in self.taken:
            number += 1
            candidate = f"{base}-{number}"
        self.taken.add(candidate)
        return candidate


def variable_name(twine: str) -> str:
    """The scenario's name for a Twine ``$variable``: itself when it can be, else
    ``twine_`` and its letters, digits and underscores."""
    if re.fullmatch(r"[A-Za-z]\w{0,70}", twine, re.ASCII) and twine not in RESERVED:
        return twine
    kept = re.sub(r"\W", "_", twine, flags=re.ASCII)[:60]
    return f"twine_{kept}"


def value_id(text: str) -> str:
    """A text value of a Twine variable as one of a ``choice`` variable's values."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}", text):
        return text
    return slug(text, "empty")
