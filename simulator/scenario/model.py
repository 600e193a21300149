"""The scenario format, version 1, as pydantic models.

These models are the one description of the format: the loader validates files
against them and ``python -m simulator schema`` prints the JSON Schema generated
from them, so editor completion and the validator can never disagree.

They check shape only (keys, types, ranges). Meaning (references, reachability,
expressions) is checked in ``validate.py``, which reports with codes and
positions.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

FORMAT_VERSION = 1
MIN_FORMAT_VERSION = 1

IDENTIFIER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"  # ids of nodes, choices, lines...
Identifier = Annotated[
    str,
    StringConstraints(pattern=IDENTIFIER_PATTERN, max_length=80),
]
Text = Annotated[str, StringConstraints(max_length=4000)]
Expression = Annotated[str, StringConstraints(max_length=500)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]?[0-9]|2[0-3]):[0-5][0-9]$")]


def minutes_of(time: str) -> int:
    """A ``ClockTime`` ("17:30") as the engine and the expressions count it: minutes after
    midnight."""
    hours, minutes = time.split(":")
    return int(hours) * 60 + int(minutes)


class Strict(BaseModel):
    # defer_build: each model makes its validator when first used, so a command that
    # reads only scenarios never builds those of playlists, playtests and translations.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ConditionalEffect(Strict):
    """Effects that apply only when a condition holds at the moment they are reached, so
    an author need not multiply by a 0/1 flag to make a change depend on the play."""

    if_: Expression = Field(alias="if")
    then: list[Expression] = Field(min_length=1)


#: One item of an ``effects`` list: an effect, or effects under a condition.
EffectItem = Union[Expression, ConditionalEffect]  # noqa: UP007 (pydantic needs the object)


def each_effect(
    items: list[EffectItem],
) -> Iterator[tuple[str, tuple[int | str, ...], str | None]]:
    """Every effect in a list with its place within the list and the condition it
    waits on (None when it always applies), so checks and tools read one shape."""
    for index, item in enumerate(items):
        if isinstance(item, str):
            yield item, (index,), None
        else:
            for inner, source in enumerate(item.then):
                yield source, (index, "then", inner), item.if_


def effect_text(item: EffectItem) -> str:
    """One item of an effects list as a trainer reads it in a guide or a map."""
    if isinstance(item, str):
        return item
    return f"if {item.if_}: {'; '.join(item.then)}"


class Lesson(Strict):
    """A lesson from the lessons file, with the text the debrief shows."""

    title: Text
    debrief: Text
    applied_by: list[Identifier] = Field(
        default_factory=list,
        description="The choices that put this lesson into practice. The balance checks "
        "expect every best-scoring path to take at least one of them.",
    )


class CharacterRole(str, Enum):
    customer = "customer"
    colleague = "colleague"
    manager = "manager"
    other = "other"


class Character(Strict):
    name: Text
    role: CharacterRole = CharacterRole.customer
    description: Text = ""
    moods: list[Identifier] = Field(
        default_factory=lambda: ["neutral", "pleased", "annoyed", "angry"], min_length=1
    )
    mood: Identifier = Field("neutral", description="The mood shown before any line sets one.")


class CostUnit(str, Enum):
    money = "money"
    hours = "hours"


class SatisfactionMeter(Strict):
    start: float = Field(50, ge=0, le=100)
    visible: bool = True
    label: Text = "Customer satisfaction"


class CostComponent(Strict):
    """One named part of the cost (staff hours, refunds, the agent's energy): effects change
    it by its own measure, and the cost moves by that change times ``rate``."""

    label: Text
    unit: Annotated[str, StringConstraints(max_length=12)] = Field(
        "", description="How an amount of it is written, such as h, EUR or points."
    )
    rate: float = Field(1, ge=0, description="What one of it costs, in the cost meter's unit.")
    start: float = Field(0, ge=0)


class CostMeter(Strict):
    unit: CostUnit = CostUnit.money
    currency: Annotated[str, StringConstraints(max_length=8)] = "EUR"
    start: float = Field(0, ge=0)
    visible: bool = True
    label: Text = "Cost to the business"
    components: dict[Identifier, CostComponent] = Field(
        default_factory=dict,
        description="Named parts the cost is made of. Effects change the parts (overtime "
        "+= 1.5); the cost is the start plus each part times its rate. The debrief shows "
        "each part.",
    )

    @property
    def short_unit(self) -> str:
        """How an amount of this cost is written: "h" for hours, else the currency."""
        return "h" if self.unit is CostUnit.hours else self.currency


class Meters(Strict):
    satisfaction: SatisfactionMeter = SatisfactionMeter()
    cost: CostMeter = CostMeter()


class VariableType(str, Enum):
    int = "int"
    number = "number"
    bool = "bool"
    choice = "choice"


class Variable(Strict):
    """A declared piece of state. Assignments are clamped to ``min``/``max``."""

    type: VariableType
    default: int | float | bool | str | None = None
    min: float | None = None
    max: float | None = None
    values: list[Identifier] | None = Field(
        None, description="For type 'choice': the names it can take."
    )
    description: Text = ""
    label: Text = Field("", description="How the debrief names it (default: its name).")
    debrief: bool = Field(
        False,
        description="Show its value at the end in the debrief, beside the meters: for a "
        "hidden state such as anger or trust that the trainee should see afterwards.",
    )


class Clock(Strict):
    """A simulated clock: day number and time of day, moved on by effects."""

    day: int = Field(1, ge=1, le=366)
    time: ClockTime = "09:00"
    day_names: list[Text] | None = Field(
        None,
        description="Names for days 1, 2, 3, ... (for example Monday, Tuesday). "
        "Without them the player shows 'Day 2'.",
    )


class Line(Strict):
    id: Identifier | None = None
    speaker: Identifier | None = Field(None, description="A character id; none for narration.")
    mood: Identifier | None = None
    text: Text
    if_: Expression | None = Field(None, alias="if")


class TextVariant(Strict):
    """One version of a text, shown when its condition holds (the first that holds wins;
    a variant without ``if`` always holds, so it belongs last)."""

    if_: Expression | None = Field(None, alias="if")
    text: Text


#: A text that can depend on the play: one text, or variants chosen by condition.
VariableText = Text | list[TextVariant]


class Choice(Strict):
    id: Identifier | None = Field(
        None,
        description="Not 't' or 'timeout': in scripts those let the timer run out (E220).",
        # For editors only: the validator's E220 says the same with a line and column.
        json_schema_extra={
            "not": {"type": "string", "pattern": "^([tT]|[tT][iI][mM][eE][oO][uU][tT])$"}
        },
    )
    text: Text
    if_: Expression | None = Field(None, alias="if")
    reason: Text | None = Field(
        None,
        description="When given, the choice is shown greyed out with this reason while "
        "unavailable; without it an unavailable choice is hidden.",
    )
    once: bool = False
    effects: list[EffectItem] = Field(default_factory=list)
    next: Identifier
    feedback: VariableText = Field(
        "",
        description="Shown in the debrief. A list of {if, text} variants gives the first "
        "whose condition holds just after the choice.",
    )
    lesson: Identifier | None = None
    tags: list[Identifier] = Field(default_factory=list)
    critical: Text | None = Field(
        None,
        description="Marks a critical mistake (a lie, a promise that cannot be kept), "
        "saying why it is one. A play containing one cannot pass; the debrief says why.",
    )


class Timer(Strict):
    """Timed choices: if the trainee has not chosen in time, this applies."""

    seconds: float = Field(gt=0, le=600)
    if_: Expression | None = Field(
        None,
        alias="if",
        description="When given, the timer runs only if this holds as the choices appear.",
    )
    next: Identifier
    effects: list[EffectItem] = Field(default_factory=list)
    feedback: VariableText = ""
    lesson: Identifier | None = None


class Branch(Strict):
    if_: Expression | None = Field(None, alias="if", description="Omit on the last branch.")
    next: Identifier
    effects: list[EffectItem] = Field(
        default_factory=list, description="Applied when this branch is taken."
    )


class RandomBranch(Strict):
    weight: float = Field(1, gt=0)
    next: Identifier
    effects: list[EffectItem] = Field(
        default_factory=list,
        description="Applied when the dice pick this branch: the call drops, and she is angrier.",
    )


class EndingKind(str, Enum):
    balanced = "balanced"
    over_accommodating = "over-accommodating"
    lost = "lost"
    other = "other"


class Ending(Strict):
    kind: EndingKind = EndingKind.other
    title: Text
    text: VariableText = Field(
        "",
        description="A list of {if, text} variants gives the first whose condition holds "
        "as the play ends.",
    )


class Node(Strict):
    """A step of the scenario. Exactly one of choices, next, branch, random or ending."""

    if_: Expression | None = Field(
        None,
        alias="if",
        description="When given, the node happens only if this holds as the play arrives; "
        "otherwise the play passes it by (no effects, no lines) and goes to 'otherwise'.",
    )
    otherwise: Identifier | None = Field(
        None, description="Where the play goes when the node's 'if' does not hold."
    )
    lines: list[Line] = Field(default_factory=list)
    effects: list[EffectItem] = Field(default_factory=list)
    choices: list[Choice] | None = None
    fallback: Identifier | None = Field(
        None, description="Where to go when every choice is unavailable."
    )
    timer: Timer | None = None
    next: Identifier | None = None
    branch: list[Branch] | None = None
    random: list[RandomBranch] | None = None
    ending: Ending | None = None
    consequence_of: list[Identifier] = Field(
        default_factory=list,
        description="Choice ids whose consequence this node's effects are: they are "
        "charged to the latest of those choices the play made, not to the decision "
        "just taken. Without it, every change belongs to the latest decision.",
    )


class Episode(Strict):
    """One visit or call. Entering its start node sets the clock and shows a card."""

    title: Text
    start: Identifier
    intro: Text = ""
    day: int | None = Field(None, ge=1, le=366)
    time: ClockTime | None = None


class Grade(Strict):
    min: float = Field(ge=0, le=100)
    label: Text


class Target(Strict):
    satisfaction: float = Field(ge=0, le=100)
    cost: float = Field(ge=0)


class Scoring(Strict):
    """How satisfaction and cost combine into one 0-100 score (see engine/scoring.py)."""

    target: Target
    cost_limit: float = Field(
        gt=0, description="The cost at which the cost part of the score reaches zero."
    )
    satisfaction_weight: float = Field(0.5, ge=0, le=1)
    pass_mark: float = Field(70, ge=0, le=100)
    grades: dict[Identifier, Grade] = Field(
        default_factory=lambda: {
            "excellent": Grade(min=85, label="Excellent"),
            "good": Grade(min=70, label="Good"),
            "developing": Grade(min=50, label="Developing"),
            "needs-practice": Grade(min=0, label="Needs practice"),
        }
    )


class Scenario(Strict):
    format: int
    kind: Literal["scenario"] = "scenario"
    id: Identifier
    title: Text
    version: int = Field(1, ge=1)
    language: LanguageCode = "en"
    summary: Text = ""
    minutes: int = Field(10, ge=1, le=240)
    includes: list[Annotated[str, StringConstraints(max_length=300)]] = Field(default_factory=list)
    lessons: dict[Identifier, Lesson] = {}
    characters: dict[Identifier, Character] = {}
    meters: Meters = Meters()
    variables: dict[Identifier, Variable] = {}
    clock: Clock | None = None
    start: Identifier
    episodes: dict[Identifier, Episode] = {}
    nodes: dict[Identifier, Node] = Field(min_length=1)
    scoring: Scoring


class CharacterFile(Strict):
    """Shared characters, pulled into scenarios with ``includes``."""

    format: int
    kind: Literal["characters"]
    characters: dict[Identifier, Character]


class Translation(Strict):
    """A translation of one scenario, keyed by the scenario's stable ids."""

    format: int
    kind: Literal["translation"]
    translates: Annotated[str, StringConstraints(max_length=300)] = Field(
        description="Path of the translated scenario file, relative to this file."
    )
    language: LanguageCode
    strings: dict[Annotated[str, StringConstraints(max_length=200)], Text]


class PlaylistEntry(Strict):
    scenario: Annotated[str, StringConstraints(max_length=300)] = Field(
        description="A scenario file, relative to the playlist, or a bundled scenario id."
    )
    pass_mark: float | None = Field(
        None, ge=0, le=100, description="Overrides the scenario's own pass mark."
    )
    language: LanguageCode | None = None


class Playlist(Strict):
    """An onboarding session: scenarios in order, each with the mark that counts as passed."""

    format: int
    kind: Literal["playlist"]
    id: Identifier
    title: Text
    description: Text = ""
    assessed: bool = Field(
        False,
        description="Plays that count: a decision, once made, cannot be taken back "
        "(in practice, the default, a trainee can go back to the last question).",
    )
    scenarios: list[PlaylistEntry] = Field(min_length=1, max_length=50)


class Bounds(Strict):
    min: float | None = None
    max: float | None = None


class Expectations(Strict):
    """What must be true when a scripted play has used its choices."""

    ending: Identifier | None = Field(None, description="The ending node reached.")
    ending_kind: EndingKind | None = None
    satisfaction: Bounds | None = None
    cost: Bounds | None = None
    score: Bounds | None = None
    passed: bool | None = None
    visits: list[Identifier] = Field(default_factory=list, description="Nodes entered.")
    avoids: list[Identifier] = Field(default_factory=list, description="Nodes never entered.")
    lines: list[Identifier] = Field(default_factory=list, description="Line ids shown.")
    says: list[Text] = Field(
        default_factory=list, description="Text that some shown line contains."
    )
    # Where the play stands when its choices run out (it waits for the next choice):
    offered: list[Identifier] = Field(
        default_factory=list, description="Choices shown there that can be picked."
    )
    greyed: list[Identifier] = Field(
        default_factory=list,
        description="Choices shown there greyed out, with the reason why they cannot be picked.",
    )
    hidden: list[Identifier] = Field(
        default_factory=list, description="Choices of that step not shown at all."
    )
    values: dict[Identifier, bool | float | Text | Bounds] = Field(
        default_factory=dict,
        description="Declared variables there: a value, or {min, max} for a number.",
    )
    clock: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        None,
        description="The clock there, as the game shows it: '17:30', or the day with it "
        "('Friday 17:30').",
    )
    # What the debrief says of the play's decisions:
    better: dict[Identifier, Identifier] = Field(
        default_factory=dict,
        description="For a choice the play made: the better choice the debrief names there.",
    )
    no_better: list[Identifier] = Field(
        default_factory=list,
        description="Choices the play made where the debrief names no better choice.",
    )


class Playtest(Strict):
    name: Text
    seed: int = 0
    language: LanguageCode | None = None
    choices: list[int | Identifier] = Field(
        description="Options as shown (1-based numbers), choice ids, or 't' to let a timer run out."
    )
    expect: Expectations


class PlaytestFile(Strict):
    """Scripted playthroughs of one scenario, run by ``python -m simulator test``."""

    format: int
    kind: Literal["tests"]
    scenario: Annotated[str, StringConstraints(max_length=300)] = Field(
        description="The scenario file, relative to this file."
    )
    tests: list[Playtest] = Field(min_length=1)


FILE_MODELS: dict[str, type[Strict]] = {
    "scenario": Scenario,
    "characters": CharacterFile,
    "translation": Translation,
    "playlist": Playlist,
    "tests": PlaytestFile,
}
