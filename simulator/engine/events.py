"""What happened in a session, as plain data.

The session appends these to its history; the player, the recorder and the
reports read them. Each event turns into a JSON-ready dict and back, so the
history survives a snapshot unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class NodeEntered:
    node: str


@dataclass(frozen=True)
class EpisodeStarted:
    episode: str
    title: str
    intro: str
    day: int | None
    time: int | None


@dataclass(frozen=True)
class LineShown:
    node: str
    line: str
    speaker: str | None
    mood: str | None
    text: str


@dataclass(frozen=True)
class ChoiceMade:
    node: str
    choice: str
    text: str
    satisfaction_delta: float
    cost_delta: float
    satisfaction: float  # the totals right after the choice, before what follows it
    cost: float


@dataclass(frozen=True)
class TimerExpired:
    node: str
    satisfaction_delta: float
    cost_delta: float
    satisfaction: float
    cost: float


@dataclass(frozen=True)
class BranchTaken:
    node: str
    target: str
    random: bool


@dataclass(frozen=True)
class FallbackTaken:
    node: str
    target: str


@dataclass(frozen=True)
class SessionEnded:
    node: str
    kind: str


@dataclass(frozen=True)
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

_TYPES: dict[str, type] = {
    cls.__name__: cls
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


def event_to_dict(event: Event) -> dict[str, Any]:
    return {"type": type(event).__name__, **asdict(event)}


def event_from_dict(data: dict[str, Any]) -> Event:
    cls = _TYPES[data["type"]]
    names = {field.name for field in fields(cls)}
    return cls(**{key: value for key, value in data.items() if key in names})
