"""Translating Twine conditions and assignments into the scenario's expression language.

SugarCube and Harlowe write the same few ideas in several ways (``$x is 3``,
``$x eq 3``, ``$x == 3``; ``$x gt 3``, ``$x > 3``; ``<<set $x to 5>>``, ``(set: $x to
it + 5)``, ``(put: 5 into $x)``). Each is read token by token and written again from a
fixed table, so only what the table knows comes through: anything else (JavaScript
calls, arrays, temporary ``_variables``, Harlowe's ``contains``) raises
``Untranslatable`` with the reason, and the importer reports it. Nothing is evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: A story variable as SugarCube and Harlowe write it, in a text or an expression.
VARIABLE = re.compile(r"\$([A-Za-z_$][\w$]*)")
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<variable>\$[A-Za-z_$][\w$]*)
  | (?P<temporary>_[A-Za-z_$][\w$]*)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"[^"\\]*"|'[^'\\]*')
  | (?P<word>[A-Za-z][\w-]*)
  | (?P<op>===|!==|==|!=|>=|<=|&&|\|\||\+=|-=|\*=|/=|[-+*/<>=!(),;])
    """,
    re.VERBOSE,
)

#: Twine's words and signs, as the scenario language writes them.
_SAME = {"+", "-", "*", "/", "(", ")", "<", ">", "<=", ">=", "and", "or", "not", "true", "false"}
_RENAMED = {
    "is": "==", "eq": "==", "==": "==", "===": "==",
    "isnot": "!=", "neq": "!=", "!=": "!=", "!==": "!=",
    "gt": ">", "gte": ">=", "lt": "<", "lte": "<=",
    "&&": "and", "||": "or", "!": "not",
}  # fmt: skip
_COMPARISONS = {"==", "!=", "<", ">", "<=", ">="}
_ASSIGN = {"to": "=", "=": "=", "+=": "+=", "-=": "-=", "*=": "*=", "/=": "/="}

Literal = bool | int | float | str


class Untranslatable(Exception):
    """A condition or assignment the importer cannot carry over; the message says why."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass(frozen=True)
class Assignment:
    """One assignment, translated: ``variable`` is the Twine name (without ``$``),
    ``effect`` the scenario's effect, ``literal`` the value when it is a plain one."""

    variable: str
    effect: str
    literal: Literal | None
    condition: str | None = None  # set inside an <<if>>: the effect applies only then


@dataclass(frozen=True)
class Names:
    """How Twine's ``$names`` and texts are written in the scenario."""

    variables: Mapping[str, str]
    value: Callable[[str], str]


def tokens(source: str) -> list[Token]:
    found: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise Untranslatable(f"'{source[position]}' is not something the importer reads")
        if match.lastgroup != "space":
            found.append(Token(match.lastgroup or "", match.group()))
        position = match.end()
    return found


@dataclass(frozen=True)
class Condition:
    """A translated condition, and what it tells about the variables' types (by their
    scenario names): the texts each is compared with, and those tested as true/false."""

    text: str
    compared: list[tuple[str, str]]
    tested: list[str]


def translate_condition(source: str, names: Names) -> Condition:
    written, compared = _expression(tokens(source), names, it=None)
    if not written:
        raise Untranslatable("the condition is empty")
    words = written.split()
    known = set(names.variables.values())
    tested = [
        word
        for index, word in enumerate(words)
        if word in known
        and (index == 0 or words[index - 1] in ("and", "or", "not", "("))
        and (index == len(words) - 1 or words[index + 1] in ("and", "or", ")"))
    ]
    return Condition(written, compared, tested)


def translate_assignments(source: str, dialect: str, names: Names) -> list[Assignment]:
    """``$x to 5, $y += 1`` (SugarCube and Harlowe's set), or ``5 into $x`` (put)."""
    found = []
    for statement in _statements(tokens(source)):
        if dialect == "put":
            found.append(_put(statement, names))
        else:
            found.append(_assignment(statement, names))
    if not found:
        raise Untranslatable("nothing is set")
    return found


def _statements(found: list[Token]) -> list[list[Token]]:
    """Statements separated by ``,`` or ``;`` outside parentheses."""
    statements: list[list[Token]] = [[]]
    depth = 0
    for token in found:
        depth += {"(": 1, ")": -1}.get(token.text, 0)
        if token.text in (",", ";") and depth == 0:
            statements.append([])
        else:
            statements[-1].append(token)
    return [statement for statement in statements if statement]


def _assignment(statement: list[Token], names: Names) -> Assignment:
    if len(statement) < 3 or statement[0].kind != "variable":
        raise Untranslatable("only '$name to value' (or =, +=, -=, *=, /=) can be carried over")
    variable = statement[0].text[1:]
    operator = _ASSIGN.get(statement[1].text)
    if operator is None:
        raise Untranslatable(f"'{statement[1].text}' is not an assignment the importer reads")
    return _written(variable, operator, statement[2:], names)


def _put(statement: list[Token], names: Names) -> Assignment:
    """Harlowe's ``(put: value into $x)``."""
    if len(statement) < 3 or statement[-2].text != "into" or statement[-1].kind != "variable":
        raise Untranslatable("only '(put: value into $name)' can be carried over")
    return _written(statement[-1].text[1:], "=", statement[:-2], names)


def _variable(token: str, names: Names) -> str:
    name = names.variables.get(token[1:])
    if name is None:
        raise Untranslatable(f"{token} is not a variable the story uses")
    return name


def _written(variable: str, operator: str, value: list[Token], names: Names) -> Assignment:
    target = _variable("$" + variable, names)
    right, _ = _expression(value, names, it=target)
    if not right:
        raise Untranslatable("the value is missing")
    literal = _literal(value, names)
    if operator == "/=":  # the scenario language has no /=
        return Assignment(variable, f"{target} = {target} / ({right})", None)
    return Assignment(variable, f"{target} {operator} {right}", literal)


def _literal(value: list[Token], names: Names) -> Literal | None:
    """The value when it is one number, true/false or text (a minus sign allowed)."""
    texts = [token.text for token in value]
    if len(texts) == 2 and texts[0] == "-" and value[1].kind == "number":
        return -_number(texts[1])
    if len(value) != 1:
        return None
    token = value[0]
    if token.kind == "number":
        return _number(token.text)
    if token.text in ("true", "false"):
        return token.text == "true"
    if token.kind == "string":
        return names.value(token.text[1:-1])
    return None


def _number(text: str) -> int | float:
    if len(text) > 15:  # beyond what a scenario's variable holds exactly
        raise Untranslatable(f"the number {text[:20]}... is too large")
    return float(text) if "." in text else int(text)


def _expression(
    found: list[Token], names: Names, it: str | None
) -> tuple[str, list[tuple[str, str]]]:
    """The tokens written in the scenario's language; ``it`` is what Harlowe's ``it``
    stands for (the variable being set), if anything."""
    written: list[str] = []
    compared: list[tuple[str, str]] = []
    index = 0
    while index < len(found):
        token = found[index]
        text = token.text
        if token.kind == "variable":
            written.append(_variable(text, names))
        elif token.kind == "temporary":
            raise Untranslatable(f"temporary variables such as {text} are not kept")
        elif token.kind == "number":
            written.append(str(_number(text)))
        elif token.kind == "string":
            written.append(f'"{names.value(text[1:-1])}"')
        elif text == "it" and it is not None:
            written.append(it)
        elif text == "is" and index + 1 < len(found) and found[index + 1].text == "not":
            written.append("!=")  # Harlowe's "is not"
            index += 1
        elif text in _RENAMED:
            written.append(_RENAMED[text])
        elif text in _SAME:
            written.append(text)
        else:
            raise Untranslatable(f"'{text}' has no counterpart in a scenario")
        index += 1
    known = set(names.variables.values())
    for left, sign, right in zip(written, written[1:], written[2:], strict=False):
        if sign in ("==", "!=") and left in known and right.startswith('"'):
            compared.append((left, right[1:-1]))
    return " ".join(written), compared
