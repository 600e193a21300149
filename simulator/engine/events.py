"""What happened in a session, as plain data.

The session appends these to its history; the player, the recorder and the
reports read them. Each event turns into a JSON-ready dict and back, so the
history survives a snapshot unchanged.

A play makes several events a choice, so they are slotted dataclasses without
``frozen``: a frozen dataclass sets each field through ``object.__setattr__``,
which made building them a third of the engine's time (issue #16). They are
immutable by convention: nothing assigns to an event once it is made, and they
hash by value as they did when frozen.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass(slots=True, unsafe_hash=True)
class NodeEntered:
    node: str


@dataclass(slots=True, unsafe_hash=True)
class EpisodeStarted:
    episode: str
    title: str
    intro: str
    day: int | None
    time: int | None


@dataclass(slots=True, unsafe_hash=True)
class LineShown:
    node: str
    line: str
    speaker: str | None
    mood: str | None
    text: str


@dataclass(slots=True, unsafe_hash=True)
class ChoiceMade:
    node: str
    choice: str
    text: str
    satisfaction_delta: float
    cost_delta: float
    satisfaction: float  # the totals right after the choice, before what follows it
    cost: float


@dataclass(slots=True, unsafe_hash=True)
class TimerExpired:
    node: str
    satisfaction_delta: float
    cost_delta: float
    satisfaction: float
    cost: float


@dataclass(slots=True, unsafe_hash=True)
class BranchTaken:
    node: str
    target: str
    random: bool


@dataclass(slots=True, unsafe_hash=True)
class FallbackTaken:
    node: str
    target: str


@dataclass(slots=True, unsafe_hash=True)
class SessionEnded:
    node: str
    kind: str


@dataclass(slots=True, unsafe_hash=True)
class SessionStuck:
    node: str
    reason: str


Event = (
    NodeEntered
    | EpisodeStarted
    | LineShown
    | ChoiceMade
    | TimerExpired
    | BranchTaken
    | FallbackTaken
    | SessionEnded
    | SessionStuck
)

# Each event type by its name, with its fields' names in order: a snapshot writes every
# event, so the names are read once here rather than through ``asdict`` each time.
_FIELDS: dict[type, tuple[str, ...]] = {
    cls: tuple(field.name for field in fields(cls))
    for cls in (
        NodeEntered,
        EpisodeStarted,
        LineShown,
        ChoiceMade,
        TimerExpired,
        BranchTaken,
        FallbackTaken,
        SessionEnded,
        SessionStuck,
    )
}
_TYPES: dict[str, type] = {cls.__name__: cls for cls in _FIELDS}


def event_to_dict(event: Event) -> dict[str, Any]:
    data: dict[str, Any] = {"type": type(event).__name__}
    for name in _FIELDS[type(event)]:
        data[name] = getattr(event, name)
    return data


def event_from_dict(data: dict[str, Any]) -> Event:
    cls = _TYPES[data["type"]]
    names = _FIELDS[cls]
    return cls(**{key: value for key, value in data.items() if key in names})
