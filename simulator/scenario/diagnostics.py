"""Diagnostics: content problems as values, collected and reported together.

Every problem a trainer can make in a scenario file has a stable code listed in
``CATALOGUE``. The codes never change meaning, so trainers, docs and tests can
refer to them; ``docs/error-codes.md`` documents each one with a fix, and a test
keeps the two in step.
"""

from __future__ import annotations

import contextlib
import contextvars
import difflib
import enum
import re
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class CodeInfo:
    severity: Severity
    title: str


CATALOGUE: dict[str, CodeInfo] = {
    # E0xx: the file itself
    "E001": CodeInfo(Severity.ERROR, "file cannot be read"),
    "E002": CodeInfo(Severity.ERROR, "file is too large"),
    "E003": CodeInfo(Severity.ERROR, "file is not valid UTF-8 text"),
    "E004": CodeInfo(Severity.ERROR, "control character in file"),
    "E005": CodeInfo(Severity.ERROR, "YAML syntax error"),
    "E006": CodeInfo(Severity.ERROR, "duplicate key"),
    "E007": CodeInfo(Severity.ERROR, "too many aliases"),
    "E008": CodeInfo(Severity.ERROR, "nesting too deep"),
    "E009": CodeInfo(Severity.ERROR, "YAML tag not allowed"),
    "E010": CodeInfo(Severity.ERROR, "more than one YAML document"),
    "E011": CodeInfo(Severity.ERROR, "unsupported format version"),
    "E012": CodeInfo(Severity.ERROR, "unknown file kind"),
    # E1xx: structure (the shape of the data)
    "E101": CodeInfo(Severity.ERROR, "unknown key"),
    "E102": CodeInfo(Severity.ERROR, "missing required key"),
    "E103": CodeInfo(Severity.ERROR, "wrong type"),
    "E104": CodeInfo(Severity.ERROR, "value out of range"),
    "E105": CodeInfo(Severity.ERROR, "invalid value"),
    "E106": CodeInfo(Severity.ERROR, "invalid id"),
    # E2xx: references and graph
    "E201": CodeInfo(Severity.ERROR, "unknown node"),
    "E202": CodeInfo(Severity.ERROR, "unknown character"),
    "E203": CodeInfo(Severity.ERROR, "unknown mood"),
    "E204": CodeInfo(Severity.ERROR, "unknown lesson"),
    "E205": CodeInfo(Severity.ERROR, "duplicate id"),
    "E206": CodeInfo(Severity.ERROR, "node kind unclear"),
    "E207": CodeInfo(Severity.ERROR, "unreachable node"),
    "E208": CodeInfo(Severity.ERROR, "no ending reachable"),
    "E209": CodeInfo(Severity.ERROR, "every choice can be unavailable"),
    "E210": CodeInfo(Severity.ERROR, "branch can fall through"),
    "E211": CodeInfo(Severity.ERROR, "no ending in scenario"),
    "E212": CodeInfo(Severity.ERROR, "include cannot be used"),
    "E213": CodeInfo(Severity.ERROR, "bad grade bands"),
    "E214": CodeInfo(Severity.ERROR, "bad balance target"),
    "E215": CodeInfo(Severity.ERROR, "bad clock"),
    "E216": CodeInfo(Severity.ERROR, "bad variable declaration"),
    "E217": CodeInfo(Severity.ERROR, "playlist entry cannot be played"),
    "E218": CodeInfo(Severity.ERROR, "playthrough test cannot run"),
    "E219": CodeInfo(Severity.ERROR, "unknown choice"),
    "E220": CodeInfo(Severity.ERROR, "reserved choice id"),
    # E3xx: expressions
    "E301": CodeInfo(Severity.ERROR, "expression syntax error"),
    "E302": CodeInfo(Severity.ERROR, "undefined variable"),
    "E303": CodeInfo(Severity.ERROR, "undefined function"),
    "E304": CodeInfo(Severity.ERROR, "type error in expression"),
    "E305": CodeInfo(Severity.ERROR, "cannot assign"),
    # E4xx: translations
    "E401": CodeInfo(Severity.ERROR, "translated scenario not found"),
    "E402": CodeInfo(Severity.ERROR, "missing translation"),
    "E403": CodeInfo(Severity.ERROR, "stale translation key"),
    "E404": CodeInfo(Severity.ERROR, "translation fills in other names"),
    "W402": CodeInfo(Severity.WARNING, "texts not translated yet"),
    # T: playthrough test results (reported by `simulator test`, not by `validate`)
    "T601": CodeInfo(Severity.ERROR, "playthrough test failed"),
    # T8xx: found by `import` in a Twine story (reported by `simulator import`, not by `validate`)
    "T801": CodeInfo(Severity.WARNING, "markup not carried over"),
    "T802": CodeInfo(Severity.WARNING, "expression not carried over"),
    "T803": CodeInfo(Severity.WARNING, "link to a missing passage"),
    "T804": CodeInfo(Severity.WARNING, "passage made an ending"),
    "T805": CodeInfo(Severity.WARNING, "passage left out"),
    "T806": CodeInfo(Severity.WARNING, "link in an ending dropped"),
    "T807": CodeInfo(Severity.WARNING, "start passage not found"),
    "T808": CodeInfo(Severity.WARNING, "variable renamed"),
    "T809": CodeInfo(Severity.WARNING, "other stories not imported"),
    # A7xx: found by `analyze` over every play (the score's promises)
    "A701": CodeInfo(Severity.ERROR, "a failing ending passes"),
    "A702": CodeInfo(Severity.ERROR, "a balanced ending fails"),
    "A703": CodeInfo(Severity.ERROR, "passes without reading"),
    "A704": CodeInfo(Severity.WARNING, "meters and ending disagree"),
    # W: warnings
    "W501": CodeInfo(Severity.WARNING, "unused variable"),
    "W502": CodeInfo(Severity.WARNING, "unused lesson"),
    "W503": CodeInfo(Severity.WARNING, "missing stable ids"),
    "W504": CodeInfo(Severity.WARNING, "choice availability not fully checked"),
    "W505": CodeInfo(Severity.WARNING, "clock moved backwards"),
    "W506": CodeInfo(Severity.WARNING, "reason never shown"),
    "W507": CodeInfo(Severity.WARNING, "once has no effect"),
    "W508": CodeInfo(Severity.WARNING, "episode sets the clock back"),
    "W509": CodeInfo(Severity.WARNING, "meter label too long"),
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem in one file.

    ``path`` is where in the YAML data the problem sits (keys and list indexes);
    the loader turns it into ``line``/``column`` only when diagnostics are
    reported, so the fast path never pays for positions.
    """

    code: str
    message: str
    file: str = "<string>"
    line: int = 1
    column: int = 1
    path: tuple[str | int, ...] = ()
    at_key: bool = False
    offset: int | None = None  # within an expression, to point at the exact character

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def located(self, file: str, line: int, column: int) -> Diagnostic:
        return replace(self, file=file, line=line, column=column)

    def format(self) -> str:
        """One line for a terminal. Messages quote ids, keys and titles from untrusted
        files (and file names), so control characters are shown escaped: a newline must
        not start a fake diagnostic, an escape sequence must not drive the terminal."""
        where = f"{self.file}:{self.line}:{self.column}"
        return printable(f"{where}: {self.severity.value} {self.code}: {self.message}")


# C0 and C1 controls and DEL, line and paragraph separators, and the bidirectional
# controls that can make a line read differently from what it holds. Tab and newline are
# apart: text of several lines keeps them (CONTROLS), a one-line message does not.
_CONTROL_CLASS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
)
CONTROLS = re.compile(f"[{_CONTROL_CLASS}]")
_UNPRINTABLE = re.compile(f"[\t\n{_CONTROL_CLASS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: str, lines: bool = False) -> str:
    """``text`` with every control character written as an escape (``\\n``, ``\\x1b``);
    with ``lines``, tabs and newlines are kept, for text of several lines."""
    return (CONTROLS if lines else _UNPRINTABLE).sub(_escaped, text)


#: How many diagnostics of one code a file reports before "N more like this".
MAX_PER_CODE = 100


def capped(found: Sequence[Diagnostic], limit: int = MAX_PER_CODE) -> list[Diagnostic]:
    """The first ``limit`` diagnostics of each code, then one that counts the rest.

    A broken or hostile file can repeat one mistake tens of thousands of times; listing
    them all helps no one, and locating and printing them should not grow without end.
    The count line sits where the last of the rest is, so it sorts after those shown.
    """
    counts: Counter[str] = Counter()
    kept: list[Diagnostic] = []
    last_left_out: dict[str, Diagnostic] = {}
    for diagnostic in found:
        counts[diagnostic.code] += 1
        if counts[diagnostic.code] <= limit:
            kept.append(diagnostic)
        else:
            last_left_out[diagnostic.code] = diagnostic
    for code, diagnostic in last_left_out.items():
        more = counts[code] - limit
        kept.append(
            replace(
                diagnostic,
                message=f"{more:,} more {code} like the {limit} above are not shown; "
                "fix those and validate again",
                offset=None,
            )
        )
    return kept


#: How many name comparisons "did you mean" may make while one file is checked.
SUGGESTION_BUDGET = 100_000


class SuggestionBudget:
    """Bounds the work "did you mean" does for one file.

    difflib compares a name with every candidate, so a file with thousands of dangling
    references to thousands of ids made validation quadratic (4,000 of each took over a
    minute). Each suggestion spends one unit per candidate; when the budget cannot pay
    for a search, the message goes without a hint.
    """

    def __init__(self, budget: int = SUGGESTION_BUDGET) -> None:
        self.left = budget

    def afford(self, candidates: int) -> bool:
        if candidates > self.left:
            return False
        self.left -= candidates
        return True


_BUDGET: contextvars.ContextVar[SuggestionBudget | None] = contextvars.ContextVar(
    "suggestion_budget", default=None
)


@contextlib.contextmanager
def bounded_suggestions(budget: int = SUGGESTION_BUDGET) -> Iterator[SuggestionBudget]:
    """Within this block every ``suggest`` (the expression checker's too) shares one
    budget, so checking a file costs at most ``budget`` name comparisons for hints."""
    active = SuggestionBudget(budget)
    token = _BUDGET.set(active)
    try:
        yield active
    finally:
        _BUDGET.reset(token)


def closest(name: str, candidates: Collection[str]) -> str | None:
    """The candidate a misspelt name most likely meant, or None (also when the file's
    budget for suggestions is spent)."""
    budget = _BUDGET.get()
    if budget is not None and not budget.afford(len(candidates)):
        return None
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(name: str, candidates: Collection[str]) -> str:
    """A "did you mean" tail for a misspelt name, or nothing."""
    close = closest(name, candidates)
    return f"; did you mean '{close}'?" if close is not None else ""


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, int, str]:
    return (diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.code)
