"""The expression language of conditions and effects.

Scenario files are untrusted, so expressions are never handed to Python's
``eval``. They are parsed into the small tree below (a whitelisted grammar),
type-checked against the scenario's declared variables, and compiled into
closures that the engine calls. Parsing is cached by source text, because the
same effect (``satisfaction += 5``) recurs across a scenario.

Grammar::

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | compare
    compare    := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | atom
    atom       := NUMBER | TIME | STRING | "true" | "false" | NAME
                | NAME "(" [condition ("," condition)*] ")" | "(" condition ")"
    effect     := NAME ("=" | "+=" | "-=" | "*=") condition | NAME "(" args ")"

``TIME`` is a clock time such as ``20:15`` and means minutes after midnight.

Numbers stay finite whatever a file writes (see ``VALUE_LIMIT``): a literal is capped
at ``LITERAL_LIMIT``, a whole-number product too large for a float becomes infinite,
``round`` leaves what it cannot round as it is, and every number a variable is given
is clamped to its range; an effect whose result is not a number (NaN, from ``inf -
inf``) leaves the variable as it was. So no expression raises, and a session's values,
saves and records hold finite numbers only.
"""

from __future__ import annotations

import enum
import functools
import math
import operator as ops
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.scenario.diagnostics import suggest

MAX_EXPRESSION_LENGTH = 500
MAX_DEPTH = 40
#: The engine-wide bound on a number variable (meters and clock included): assignments
#: are clamped to the declared min and max, narrowed to +-VALUE_LIMIT. Far beyond any
#: sensible amount, yet whole numbers up to it are exact as floats, and a variable that
#: grows without end (``x *= x`` in a loop) stops here instead of filling the memory.
VALUE_LIMIT = 10**12
#: The largest magnitude a number literal stands for: beyond any variable, so comparing
#: with a larger literal means the same, yet sums of literals (an expression holds at
#: most 250) stay far within a float, so mixing whole numbers and floats never overflows.
LITERAL_LIMIT = 10**300


class ExpressionError(Exception):
    """A problem in one expression; ``offset`` is a 0-based index into its text."""

    def __init__(self, code: str, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset


# ---------------------------------------------------------------- syntax tree


@dataclass(frozen=True)
class Literal:
    value: int | float | bool | str
    offset: int


@dataclass(frozen=True)
class Name:
    name: str
    offset: int


@dataclass(frozen=True)
class Call:
    function: str
    arguments: tuple[ExpressionNode, ...]
    offset: int


@dataclass(frozen=True)
class Unary:
    operator: str
    operand: ExpressionNode
    offset: int


@dataclass(frozen=True)
class Binary:
    operator: str
    left: ExpressionNode
    right: ExpressionNode
    offset: int


ExpressionNode = Literal | Name | Call | Unary | Binary


@dataclass(frozen=True)
class Assignment:
    target: str
    operator: str
    value: ExpressionNode
    offset: int


@dataclass(frozen=True)
class CallStatement:
    call: Call


Statement = Assignment | CallStatement

# ---------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<time>\d{1,2}:\d{2}(?![\d:]))
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"[^"\\]*"|'[^'\\]*')
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>==|!=|<=|>=|\+=|-=|\*=|[-+*/<>=(),])
    """,
    re.VERBOSE,
)

_KEYWORDS = {"and", "or", "not", "true", "false"}


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "time", "string", "name", "op", "end"
    text: str
    offset: int


def _tokenize(source: str) -> list[_Token]:
    if len(source) > MAX_EXPRESSION_LENGTH:
        raise ExpressionError(
            "E301", f"expression is longer than {MAX_EXPRESSION_LENGTH} characters", 0
        )
    tokens: list[_Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN.match(source, position)
        if match is None:
            raise ExpressionError("E301", _unexpected(source, position), position)
        kind = match.lastgroup or ""
        if kind != "space":
            tokens.append(_Token(kind, match.group(), position))
        position = match.end()
    tokens.append(_Token("end", "", len(source)))
    return tokens


_NUMBER_BEFORE = re.compile(r"(\d+(?:\.\d+)?)\s*$")
_INSTEAD = {
    "&": "write 'and' to join two conditions",
    "|": "write 'or' to join two conditions",
    "!": "write 'not' before a condition, or '!=' for 'is not equal to'",
}


def _unexpected(source: str, position: int) -> str:
    """What a character the language does not have means to a trainer, and what to write
    instead: most come from habits elsewhere (30% on a form, && in a spreadsheet)."""
    char = source[position]
    found = f"unexpected character {char!r}"
    if char in "\"'":
        return f"{found} (unclosed quote)"
    if char == "%":
        number = _NUMBER_BEFORE.search(source[:position])
        plain = number.group(1) if number else "30"
        return (
            f"'%' is not part of a number here: values are plain numbers, so write "
            f"{plain}, not {plain}%"
        )
    if char in _INSTEAD:
        return f"{found}: {_INSTEAD[char]}"
    if char.isalpha():
        return f"{found} (write text in quotes)"
    return f"{found}: it has no meaning in an expression"


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, *texts: str) -> bool:
        token = self.current
        return token.kind == kind and (not texts or token.text in texts)

    def expect(self, kind: str, text: str, what: str) -> _Token:
        if not self.at(kind, text):
            raise self.error(f"expected {what}")
        return self.take()

    def error(self, message: str) -> ExpressionError:
        token = self.current
        found = "the end of the expression" if token.kind == "end" else repr(token.text)
        return ExpressionError("E301", f"{message}, found {found}", token.offset)

    def finish(self) -> None:
        token = self.current
        before = self.tokens[self.index - 1] if self.index and token.kind != "end" else token
        for word in (token, before):  # 'x AND y' stops at AND, 'NOT x' just after it
            lower = word.text.lower()
            if word.kind == "name" and lower in ("and", "or", "not") and word.text != lower:
                raise ExpressionError(
                    "E301", f"write '{lower}' in small letters, found {word.text!r}", word.offset
                )
        if token.kind != "end":
            raise self.error("expected an operator or the end of the expression")

    def condition(self) -> ExpressionNode:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("E301", "expression is nested too deeply", self.current.offset)
        node = self.logical_or()
        self.depth -= 1
        return node

    def logical_or(self) -> ExpressionNode:
        node = self.logical_and()
        while self.at("name", "or"):
            token = self.take()
            node = Binary("or", node, self.logical_and(), token.offset)
        return node

    def logical_and(self) -> ExpressionNode:
        node = self.logical_not()
        while self.at("name", "and"):
            token = self.take()
            node = Binary("and", node, self.logical_not(), token.offset)
        return node

    def logical_not(self) -> ExpressionNode:
        if self.at("name", "not"):
            token = self.take()
            return Unary("not", self.logical_not(), token.offset)
        return self.compare()

    def compare(self) -> ExpressionNode:
        node = self.sum()
        if self.at("op", "==", "!=", "<", "<=", ">", ">="):
            token = self.take()
            node = Binary(token.text, node, self.sum(), token.offset)
            if self.at("op", "==", "!=", "<", "<=", ">", ">="):
                raise self.error("comparisons cannot be chained; join them with 'and'")
        elif self.at("op", "="):
            following = self.tokens[self.index + 1]
            if following.kind == "op" and following.text in ("<", ">"):
                turned = following.text + "="  # '=>' and '=<' are '>=' and '<=' reversed
                meaning = "at least" if turned == ">=" else "at most"
                raise self.error(f"write '{turned}' for '{meaning}' (the '=' comes second)")
            raise self.error("use '==' to compare ('=' assigns, and only in effects)")
        return node

    def sum(self) -> ExpressionNode:
        node = self.product()
        while self.at("op", "+", "-"):
            token = self.take()
            node = Binary(token.text, node, self.product(), token.offset)
        return node

    def product(self) -> ExpressionNode:
        node = self.unary()
        while self.at("op", "*", "/"):
            token = self.take()
            node = Binary(token.text, node, self.unary(), token.offset)
        return node

    def unary(self) -> ExpressionNode:
        if self.at("op", "-"):
            token = self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("E301", "expression is nested too deeply", token.offset)
            operand = self.unary()
            self.depth -= 1
            return Unary("-", operand, token.offset)
        return self.atom()

    def atom(self) -> ExpressionNode:
        token = self.current
        if token.kind == "number":
            self.take()
            return Literal(_number(token.text), token.offset)
        if token.kind == "time":
            self.take()
            hours, minutes = (int(part) for part in token.text.split(":"))
            if hours > 23 or minutes > 59:
                raise ExpressionError("E301", f"{token.text} is not a time of day", token.offset)
            return Literal(hours * 60 + minutes, token.offset)
        if token.kind == "string":
            self.take()
            return Literal(token.text[1:-1], token.offset)
        if token.kind == "name":
            if token.text in ("true", "false"):
                self.take()
                return Literal(token.text == "true", token.offset)
            if token.text in _KEYWORDS:
                raise self.error("expected a value")
            self.take()
            if self.at("op", "("):
                return self.call_arguments(token)
            return Name(token.text, token.offset)
        if self.at("op", "("):
            self.take()
            node = self.condition()
            self.expect("op", ")", "')'")
            return node
        raise self.error("expected a value")

    def call_arguments(self, name: _Token) -> Call:
        self.take()  # "("
        arguments: list[ExpressionNode] = []
        if not self.at("op", ")"):
            arguments.append(self.condition())
            while self.at("op", ","):
                self.take()
                arguments.append(self.condition())
        self.expect("op", ")", "',' or ')'")
        return Call(name.text, tuple(arguments), name.offset)

    def statement(self) -> Statement:
        token = self.current
        if token.kind != "name" or token.text in _KEYWORDS:
            raise self.error(
                "an effect starts with a variable name or an action such as advance(30)"
            )
        self.take()
        if self.at("op", "("):
            return CallStatement(self.call_arguments(token))
        if self.at("op", "=", "+=", "-=", "*="):
            operator = self.take().text
            return Assignment(token.text, operator, self.condition(), token.offset)
        if self.at("op", "=="):
            raise self.error("an effect assigns with '=', '+=', '-=' or '*='")
        raise self.error("expected '=', '+=', '-=' or '*='")


def _number(text: str) -> int | float:
    """A number literal's value, capped at LITERAL_LIMIT (``10^400`` would overflow a
    float; Python refuses to read a whole number of more than 4,300 digits)."""
    if "." in text:
        return min(float(text), float(LITERAL_LIMIT))
    digits = text.lstrip("0")
    return LITERAL_LIMIT if len(digits) > 301 else min(int(digits or "0"), LITERAL_LIMIT)


@functools.lru_cache(maxsize=65536)
def parse_condition(source: str) -> ExpressionNode:
    """Parse a condition (or any value expression). Raises ExpressionError."""
    parser = _Parser(source)
    node = parser.condition()
    parser.finish()
    return node


@functools.lru_cache(maxsize=65536)
def parse_effect(source: str) -> Statement:
    """Parse one effect statement. Raises ExpressionError."""
    parser = _Parser(source)
    statement = parser.statement()
    parser.finish()
    return statement


# ---------------------------------------------------------------- types


class ValueType(enum.Enum):
    INT = "whole number"
    NUMBER = "number"
    BOOL = "true/false"
    TEXT = "text"


@dataclass(frozen=True)
class VariableInfo:
    """What the checker and compiler need to know about one name."""

    type: ValueType
    writable: bool = True
    minimum: float | None = None
    maximum: float | None = None
    values: frozenset[str] | None = None  # for text variables with a fixed set
    #: For a part of the cost: what one of it adds to ``cost`` (see CostComponent).
    cost_rate: float | None = None


@dataclass(frozen=True)
class Declarations:
    """Everything an expression may refer to in one scenario."""

    variables: Mapping[str, VariableInfo]
    node_ids: frozenset[str]
    choice_ids: frozenset[str]


@dataclass(frozen=True)
class _Typed:
    type: ValueType
    values: frozenset[str] | None = None  # the allowed texts, when known


_NUMERIC = (ValueType.INT, ValueType.NUMBER)


_TIME_OR_NUMBER = re.compile(r"\s*(?:(?P<time>\d{1,2}:\d{2})|\d+(?:\.\d+)?)\s*")


def _refuse_quoted_number(side: ExpressionNode, other: _Typed) -> None:
    """E304 that names the right form when a time or number in quotes meets a number:
    the docs tell trainers to quote times in YAML values (``time: "17:30"``), and
    that habit carries over into conditions, where quotes make text."""
    if other.type not in _NUMERIC or not isinstance(side, Literal):
        return
    if not isinstance(side.value, str):
        return
    match = _TIME_OR_NUMBER.fullmatch(side.value)
    if match is None:
        return
    plain = side.value.strip()
    what = "a time" if match.group("time") else "a number"
    raise ExpressionError(
        "E304",
        f'"{side.value}" in quotes is text, not {what}; in a condition or effect write '
        f"{what} without quotes: {plain}",
        side.offset,
    )


class _Checker:
    def __init__(self, declarations: Declarations) -> None:
        self.declarations = declarations

    def check(self, node: ExpressionNode) -> _Typed:
        if isinstance(node, Literal):
            value = node.value
            if isinstance(value, bool):
                return _Typed(ValueType.BOOL)
            if isinstance(value, int):
                return _Typed(ValueType.INT)
            if isinstance(value, float):
                return _Typed(ValueType.NUMBER)
            return _Typed(ValueType.TEXT, frozenset([value]))
        if isinstance(node, Name):
            info = self.declarations.variables.get(node.name)
            if info is None:
                known = self.declarations.variables
                raise ExpressionError(
                    "E302",
                    f"undefined variable '{node.name}'{suggest(node.name, known)}",
                    node.offset,
                )
            return _Typed(info.type, info.values)
        if isinstance(node, Unary):
            operand = self.check(node.operand)
            if node.operator == "not":
                self.require(operand, (ValueType.BOOL,), "'not'", node.offset)
                return _Typed(ValueType.BOOL)
            self.require(operand, _NUMERIC, "'-'", node.offset)
            return _Typed(operand.type)
        if isinstance(node, Binary):
            return self.check_binary(node)
        return self.check_call(node)

    def require(
        self, typed: _Typed, allowed: tuple[ValueType, ...], where: str, offset: int
    ) -> None:
        if typed.type not in allowed:
            wanted = " or ".join(kind.value for kind in allowed)
            raise ExpressionError(
                "E304", f"{where} needs a {wanted}, not a {typed.type.value}", offset
            )

    def check_binary(self, node: Binary) -> _Typed:
        left = self.check(node.left)
        right = self.check(node.right)
        operator = node.operator
        if operator in ("and", "or"):
            self.require(left, (ValueType.BOOL,), f"'{operator}'", node.offset)
            self.require(right, (ValueType.BOOL,), f"'{operator}'", node.offset)
            return _Typed(ValueType.BOOL)
        if operator not in ("and", "or"):
            _refuse_quoted_number(node.left, right)
            _refuse_quoted_number(node.right, left)
        if operator in ("+", "-", "*", "/"):
            self.require(left, _NUMERIC, f"'{operator}'", node.offset)
            self.require(right, _NUMERIC, f"'{operator}'", node.offset)
            if operator == "/" or ValueType.NUMBER in (left.type, right.type):
                return _Typed(ValueType.NUMBER)
            return _Typed(ValueType.INT)
        if operator in ("<", "<=", ">", ">="):
            self.require(left, _NUMERIC, f"'{operator}'", node.offset)
            self.require(right, _NUMERIC, f"'{operator}'", node.offset)
            return _Typed(ValueType.BOOL)
        self.check_equality(left, right, node)
        return _Typed(ValueType.BOOL)

    def check_equality(self, left: _Typed, right: _Typed, node: Binary) -> None:
        if left.type in _NUMERIC and right.type in _NUMERIC:
            return
        if left.type != right.type:
            raise ExpressionError(
                "E304",
                f"cannot compare a {left.type.value} with a {right.type.value}",
                node.offset,
            )
        if left.type is ValueType.TEXT:
            for fixed, other, side in ((left, right, node.right), (right, left, node.left)):
                if fixed.values is not None and other.values is not None:
                    stray = sorted(other.values - fixed.values)
                    if stray and len(other.values) == 1:
                        allowed = ", ".join(sorted(fixed.values))
                        raise ExpressionError(
                            "E304",
                            f"'{stray[0]}' can never match; the possible values are {allowed}",
                            side.offset,
                        )

    def check_call(self, node: Call) -> _Typed:
        name = node.function
        arity = {"visits": 1, "chose": 1, "min": 2, "max": 2, "abs": 1, "round": 1}
        if name not in arity:
            raise ExpressionError(
                "E303",
                f"undefined function '{name}'{suggest(name, sorted(arity))}",
                node.offset,
            )
        if len(node.arguments) != arity[name]:
            raise ExpressionError("E304", f"{name}() takes {arity[name]} argument(s)", node.offset)
        if name in ("visits", "chose"):
            argument = node.arguments[0]
            known = self.declarations.node_ids if name == "visits" else self.declarations.choice_ids
            what = "node" if name == "visits" else "choice"
            if not (isinstance(argument, Literal) and isinstance(argument.value, str)):
                raise ExpressionError(
                    "E304", f"{name}() takes a {what} id in quotes", argument.offset
                )
            if argument.value not in known:
                raise ExpressionError(
                    "E201" if name == "visits" else "E302",
                    f"unknown {what} '{argument.value}'{suggest(argument.value, known)}",
                    argument.offset,
                )
            return _Typed(ValueType.INT if name == "visits" else ValueType.BOOL)
        types = [self.check(argument) for argument in node.arguments]
        for typed, argument in zip(types, node.arguments, strict=False):
            self.require(typed, _NUMERIC, f"{name}()", argument.offset)
        if name == "round":
            return _Typed(ValueType.INT)
        if all(typed.type is ValueType.INT for typed in types):
            return _Typed(ValueType.INT)
        return _Typed(ValueType.NUMBER)

    def check_statement(self, statement: Statement) -> None:
        if isinstance(statement, CallStatement):
            call = statement.call
            if call.function != "advance":
                raise ExpressionError(
                    "E303",
                    f"undefined action '{call.function}'{suggest(call.function, ['advance'])}"
                    "; the only action is advance(minutes)",
                    call.offset,
                )
            if len(call.arguments) != 1:
                raise ExpressionError("E304", "advance() takes 1 argument", call.offset)
            if "time" not in self.declarations.variables:
                raise ExpressionError(
                    "E302", "advance() needs a 'clock' section in the scenario", call.offset
                )
            typed = self.check(call.arguments[0])
            self.require(typed, _NUMERIC, "advance()", call.arguments[0].offset)
            return
        info = self.declarations.variables.get(statement.target)
        if info is None:
            known = self.declarations.variables
            raise ExpressionError(
                "E302",
                f"undefined variable '{statement.target}'{suggest(statement.target, known)}",
                statement.offset,
            )
        if not info.writable:
            parts = [n for n, i in self.declarations.variables.items() if i.cost_rate is not None]
            hint = ""
            if statement.target == "time":
                hint = "; move the clock with advance(minutes)"
            elif statement.target == "cost" and parts:
                hint = (
                    "; here the cost is made of its components, so change one of them "
                    f"({', '.join(parts)}), such as {parts[0]} += 1"
                )
            raise ExpressionError(
                "E305", f"'{statement.target}' cannot be assigned{hint}", statement.offset
            )
        value = self.check(statement.value)
        if statement.operator != "=":
            self.require(_Typed(info.type), _NUMERIC, f"'{statement.operator}'", statement.offset)
            self.require(value, _NUMERIC, f"'{statement.operator}'", statement.value.offset)
        if info.type is ValueType.INT and value.type is ValueType.NUMBER:
            raise ExpressionError(
                "E304",
                f"'{statement.target}' holds whole numbers; wrap the value in round()",
                statement.value.offset,
            )
        if info.type in _NUMERIC:
            self.require(value, _NUMERIC, f"'{statement.target}'", statement.value.offset)
            return
        self.require(value, (info.type,), f"'{statement.target}'", statement.value.offset)
        if info.values is not None and value.values is not None:
            stray = sorted(value.values - info.values)
            if stray:
                allowed = ", ".join(sorted(info.values))
                raise ExpressionError(
                    "E304",
                    f"'{stray[0]}' is not a value of '{statement.target}' (one of {allowed})",
                    statement.value.offset,
                )


def check_condition(node: ExpressionNode, declarations: Declarations) -> None:
    """Raise ExpressionError unless ``node`` is a well-typed true/false condition."""
    typed = _Checker(declarations).check(node)
    if typed.type is not ValueType.BOOL:
        raise ExpressionError(
            "E304", f"a condition must be true or false, not a {typed.type.value}", 0
        )


def check_effect(statement: Statement, declarations: Declarations) -> None:
    _Checker(declarations).check_statement(statement)


@dataclass
class Reads:
    """What an expression's value depends on, beyond its literals."""

    names: set[str] = field(default_factory=set)  # variables (the clock for advance())
    visits: set[str] = field(default_factory=set)  # nodes named by visits()
    choices: set[str] = field(default_factory=set)  # choices named by chose()


def reads_of(node: ExpressionNode | Statement) -> Reads:
    """Everything an expression or effect reads: for the unused-variable warning, and for
    the analysis, which forgets what no later step can read."""
    found = Reads()
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, Name):
            found.names.add(item.name)
        elif isinstance(item, Unary):
            stack.append(item.operand)
        elif isinstance(item, Binary):
            stack.extend((item.left, item.right))
        elif isinstance(item, Call):
            if item.function in ("visits", "chose"):
                argument = item.arguments[0]
                key = str(argument.value) if isinstance(argument, Literal) else ""
                (found.visits if item.function == "visits" else found.choices).add(key)
            stack.extend(item.arguments)
        elif isinstance(item, Assignment):
            stack.append(item.value)
            if item.operator != "=":
                found.names.add(item.target)
        elif isinstance(item, CallStatement):
            found.names.update(("day", "time"))  # advance() moves the clock on from its value
            stack.append(item.call)
    return found


def names_read(node: ExpressionNode | Statement) -> set[str]:
    """The variable names an expression reads (for the unused-variable warning)."""
    return reads_of(node).names


# ---------------------------------------------------------------- evaluation


class EvaluationContext(Protocol):
    """What compiled expressions read and write: the session's plain state."""

    values: dict[str, Any]
    visits: dict[str, int]
    chosen: set[str]


Evaluator = Callable[[EvaluationContext], Any]
Effect = Callable[[EvaluationContext], None]

MINUTES_PER_DAY = 24 * 60


def _divide(left: float, right: float) -> float:
    # A zero divisor yields 0 rather than stopping a trainee's session.
    return left / right if right else 0.0


def _multiply(left: Any, right: Any) -> Any:
    """A product; one of whole numbers beyond LITERAL_LIMIT becomes infinite, as a float's
    would, since such a number cannot meet a float without overflowing (``k * k * ...``
    in one expression reaches thousands of digits)."""
    product = left * right
    if product.__class__ is int and not -LITERAL_LIMIT <= product <= LITERAL_LIMIT:
        return math.inf if product > 0 else -math.inf
    return product


def _round(value: Any) -> Any:
    """``round()``, which leaves what it cannot round (NaN, infinities) as it is, and
    numbers past LITERAL_LIMIT too, so whole numbers stay within a float's range."""
    return round(value) if -LITERAL_LIMIT <= value <= LITERAL_LIMIT else value


_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": ops.add,
    "-": ops.sub,
    "*": _multiply,
    "/": _divide,
    "==": ops.eq,
    "!=": ops.ne,
    "<": ops.lt,
    "<=": ops.le,
    ">": ops.gt,
    ">=": ops.ge,
}


def compile_value(node: ExpressionNode) -> Evaluator:
    """Turn a checked tree into a closure; the tree is walked once, here."""
    if isinstance(node, Literal):
        constant = node.value
        return lambda context: constant
    if isinstance(node, Name):
        name = node.name
        return lambda context: context.values[name]
    if isinstance(node, Unary):
        operand = compile_value(node.operand)
        if node.operator == "not":
            return lambda context: not operand(context)
        return lambda context: -operand(context)
    if isinstance(node, Binary):
        left = compile_value(node.left)
        right = compile_value(node.right)
        if node.operator == "and":
            return lambda context: left(context) and right(context)
        if node.operator == "or":
            return lambda context: left(context) or right(context)
        operation = _BINARY[node.operator]
        if isinstance(node.left, Name) and isinstance(node.right, Literal):
            # The commonest shape by far (patience >= 2, plan == "express"): one call.
            name, constant = node.left.name, node.right.value
            return lambda context: operation(context.values[name], constant)
        return lambda context: operation(left(context), right(context))
    return _compile_call(node)


def _compile_call(node: Call) -> Evaluator:
    if node.function in ("visits", "chose"):
        argument = node.arguments[0]
        assert isinstance(argument, Literal)
        key = str(argument.value)
        if node.function == "visits":
            return lambda context: context.visits.get(key, 0)
        return lambda context: key in context.chosen
    arguments = [compile_value(argument) for argument in node.arguments]
    if node.function == "round":
        (only,) = arguments
        return lambda context: _round(only(context))
    if node.function == "abs":
        (only,) = arguments
        return lambda context: abs(only(context))
    first, second = arguments
    pick = min if node.function == "min" else max
    return lambda context: pick(first(context), second(context))


def _bounds(info: VariableInfo) -> tuple[float, float]:
    """A number variable's min and max (whole numbers for an int), within +-VALUE_LIMIT:
    the one place that reads them, for clamping and for fixed steps alike. An open end,
    or one that is not a number at all, is the engine's limit."""
    whole = info.type is ValueType.INT
    limit = VALUE_LIMIT if whole else float(VALUE_LIMIT)
    low = _within(info.minimum, limit, -limit)
    high = _within(info.maximum, limit, limit)
    return (int(low), int(high)) if whole else (low, high)


def _within(bound: float | None, limit: float, open_end: float) -> float:
    if bound is None or bound != bound:  # absent, or NaN
        return open_end
    return min(max(bound, -limit), limit)


def _clamp(info: VariableInfo) -> Callable[[Any], Any]:
    """Brings a number into the variable's range (an infinity to its nearest end); NaN is
    for the caller to catch, since what replaces it depends on where it arose."""
    floor, ceiling = _bounds(info)
    if info.type is ValueType.INT:

        def clamp_int(value: Any) -> Any:
            return floor if value < floor else ceiling if value > ceiling else int(value)

        return clamp_int

    def clamp_number(value: Any) -> Any:
        return floor if value < floor else ceiling if value > ceiling else value

    return clamp_number


def start_value(info: VariableInfo, value: Any) -> Any:
    """A number variable's value at the start of a play, within its range like every value
    it is given later. NaN (a file may write ``.nan``) becomes what the variable starts at
    when the file gives no default: its min, else 0 (brought into range)."""
    if info.type not in _NUMERIC:
        return value
    if value != value:
        low = info.minimum
        value = 0.0 if low is None or low != low else low
    return _clamp(info)(value)


def compile_effect(statement: Statement, declarations: Declarations) -> Effect:
    """An effect as a closure; one that changes a part of the cost moves the cost by the
    change times the part's rate, so the cost is always the sum of its parts."""
    effect = _compile_statement(statement, declarations)
    if isinstance(statement, CallStatement):
        return effect
    rate = declarations.variables[statement.target].cost_rate
    if rate is None:
        return effect
    return _feeding_cost(statement.target, rate, effect, _clamp(declarations.variables["cost"]))


def _feeding_cost(
    part: str, rate: float, effect: Effect, clamp_cost: Callable[[Any], Any]
) -> Effect:
    def change_part(context: EvaluationContext) -> None:
        values = context.values
        before = values[part]
        effect(context)
        moved = values[part] - before
        if moved:
            values["cost"] = clamp_cost(values["cost"] + moved * rate)

    return change_part


def _compile_statement(statement: Statement, declarations: Declarations) -> Effect:
    """An effect as a closure. One that gives a number variable NaN (``x = y - y`` with
    ``y`` infinite) leaves it as it was; any other number is clamped to the variable's
    range (see ``_bounds``). Only number variables pay for this, and fixed steps, the
    commonest effects, pay nothing: their step is bounded once, here."""
    if isinstance(statement, CallStatement):
        argument = statement.call.arguments[0]
        if isinstance(argument, Literal):  # nearly always: the clock moves a fixed time
            fixed = _minutes(argument.value)

            def advance_fixed(context: EvaluationContext) -> None:
                _move_clock(context.values, fixed)

            return advance_fixed
        minutes = compile_value(argument)

        def advance(context: EvaluationContext) -> None:
            _move_clock(context.values, _minutes(minutes(context)))

        return advance
    target = statement.target
    info = declarations.variables[target]
    operator = statement.operator
    value = compile_value(statement.value)
    if info.type not in _NUMERIC:  # true/false or text: assigned as it is
        if isinstance(statement.value, Literal):
            constant = statement.value.value

            def set_fixed(context: EvaluationContext) -> None:
                context.values[target] = constant

            return set_fixed

        def set_value(context: EvaluationContext) -> None:
            context.values[target] = value(context)

        return set_value
    clamp = _clamp(info)
    if isinstance(statement.value, Literal):
        # Most effects add a fixed amount or set a fixed value; the analysis runs them
        # hundreds of thousands of times, so these skip the general closures.
        constant = statement.value.value
        if operator == "=":
            clamped = clamp(constant)  # a literal is never NaN

            def set_constant(context: EvaluationContext) -> None:
                context.values[target] = clamped

            return set_constant
        if operator in ("+=", "-=") and _plain_step(info, constant):
            return _shift(target, info, constant if operator == "+=" else -constant)
    if operator == "=":

        def assign(context: EvaluationContext) -> None:
            result = value(context)
            if result == result:  # NaN leaves the variable as it was
                context.values[target] = clamp(result)

        return assign
    operation = _BINARY[operator[0]]

    def update(context: EvaluationContext) -> None:
        values = context.values
        result = operation(values[target], value(context))
        if result == result:  # NaN leaves the variable as it was
            values[target] = clamp(result)

    return update


def _minutes(value: Any) -> int:
    """How far advance() moves the clock: whole minutes, none for a negative or NaN
    amount, at most VALUE_LIMIT (the day is clamped to it too)."""
    return round(min(value, VALUE_LIMIT)) if value > 0 else 0


def _move_clock(values: dict[str, Any], minutes: int) -> None:
    total = values["time"] + minutes
    if total >= MINUTES_PER_DAY:
        values["day"] = min(values["day"] + total // MINUTES_PER_DAY, VALUE_LIMIT)
        total %= MINUTES_PER_DAY
    values["time"] = total


def _plain_step(info: VariableInfo, step: Any) -> bool:
    """A step that keeps the variable's type, so clamping is a comparison and nothing else."""
    if isinstance(step, bool) or not isinstance(step, (int, float)):
        return False
    return info.type is ValueType.NUMBER or (info.type is ValueType.INT and isinstance(step, int))


def _shift(target: str, info: VariableInfo, step: float) -> Effect:
    floor, ceiling = _bounds(info)
    # A step longer than the range lands on the same end as one the length of the range,
    # and a bounded step keeps the sum exact and finite.
    span = ceiling - floor
    step = max(-span, min(step, span))

    def shift(context: EvaluationContext) -> None:
        values = context.values
        result = values[target] + step
        values[target] = floor if result < floor else ceiling if result > ceiling else result

    return shift
