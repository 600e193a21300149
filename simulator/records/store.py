"""Where plays are kept: one SQLite file by default, or a shared PostgreSQL database.

SQLAlchemy Core gives both the same code path. Every decision is committed as
it is made, so killing the process loses at most the decision in flight, and
the latest session snapshot rides along so the player can resume from here.
A store that cannot be used raises ``StoreError`` with a message for people.
What was recorded is never lost: a decision's row is only revised as consequences
of it arrive, and a decision taken back in practice (or a row such a take-back
revises) is kept, whole, in ``taken_back``.

A file is looked at before anything is written to it: a damaged one, or an SQLite
file of another program, is refused and left byte for byte as it was. Reading (the
report) opens SQLite read-only and never creates a store.
"""

from __future__ import annotations

import errno
import json
import os
import random
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from simulator.records.redaction import redacted
from simulator.userdata import RESULTS_ENVIRONMENT, data_dir

if TYPE_CHECKING:  # the engine is not imported to read a store (the report needs none of it)
    from simulator.engine.session import DecisionRecord, SessionResult

SCHEMA_VERSION = 1

metadata = sa.MetaData()

plays = sa.Table(
    "plays",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # a UUID; also the xAPI registration
    sa.Column("trainee", sa.String(200), nullable=False, index=True),
    sa.Column("scenario_id", sa.String(80), nullable=False, index=True),
    sa.Column("scenario_title", sa.Text, nullable=False),
    sa.Column("scenario_hash", sa.String(64), nullable=False),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("cost_unit", sa.String(16), nullable=False),  # "h", or a currency such as EUR
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),  # one of SOURCES
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("ending", sa.String(80)),
    sa.Column("ending_kind", sa.String(32)),
    sa.Column("satisfaction", sa.Float),
    sa.Column("cost", sa.Float),
    sa.Column("score", sa.Integer),
    sa.Column("grade", sa.Text),
    sa.Column("passed", sa.Boolean),
    # A trainee's unfinished play: the session snapshot (JSON) to resume from, without its
    # growing lists, which are in snapshot_parts. Written whole by earlier versions.
    sa.Column("snapshot", sa.Text),
)

decisions = sa.Table(
    "decisions",
    metadata,
    sa.Column("play_id", sa.String(36), sa.ForeignKey("plays.id"), primary_key=True),
    sa.Column("step", sa.Integer, primary_key=True),
    sa.Column("node", sa.String(80), nullable=False),
    sa.Column("choice", sa.String(80)),  # NULL when the timer ran out
    sa.Column("choice_text", sa.Text, nullable=False),
    sa.Column("tags", sa.Text, nullable=False),  # JSON list
    sa.Column("lesson", sa.String(80)),
    sa.Column("satisfaction_delta", sa.Float, nullable=False),
    sa.Column("cost_delta", sa.Float, nullable=False),
    sa.Column("satisfaction_after", sa.Float, nullable=False),
    sa.Column("cost_after", sa.Float, nullable=False),
    sa.Column("seconds_to_decide", sa.Float, nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
)

xapi_queue = sa.Table(
    "xapi_queue",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),  # the statement's own id
    sa.Column("play_id", sa.String(36), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # the statement, as JSON
    sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
)

snapshot_parts = sa.Table(
    "snapshot_parts",
    metadata,
    sa.Column("play_id", sa.String(36), sa.ForeignKey("plays.id"), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),  # "decisions" or "events"
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("body", sa.Text, nullable=False),  # one item of that list, as JSON
)

#: What practice took back: a decision taken back (``why`` "taken back"), or a row of
#: ``decisions`` as it stood before a take-back revised it ("revised": the consequence a
#: taken-back decision had charged to it). Rows of ``decisions``, whole, moved or copied.
taken_back = sa.Table(
    "taken_back",
    metadata,
    sa.Column("play_id", sa.String(36), sa.ForeignKey("plays.id"), primary_key=True),
    sa.Column("rewind", sa.Integer, primary_key=True),  # the play's first take-back is 1
    sa.Column("step", sa.Integer, primary_key=True),
    sa.Column("why", sa.String(16), nullable=False),  # "taken back" or "revised"
    sa.Column("taken_back_at", sa.DateTime(timezone=True), nullable=False),
    *(
        sa.Column(column.name, column.type, nullable=column.nullable)
        for column in decisions.columns
        if column.name not in ("play_id", "step")
    ),
)

store_info = sa.Table(
    "store_info",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


#: Where a play comes from. Only a trainee's own play counts in the report by default
#: and is offered for resuming; authors' headless runs and trainers' demos are kept apart.
SOURCES = ("player", "run", "demo")
TRAINEE_SOURCES = ("player",)
#: The list-valued parts of a session snapshot that grow with the play.
GROWING = ("decisions", "events")


#: Why a store cannot be used, in so many words that a trainee's screen can say it in
#: the trainee's language (``store.<kind>`` in simulator/wording); the message itself,
#: with the file and the database's own words, is for the trainer.
StoreProblem = Literal["damaged", "locked", "read_only", "disk", "newer", "other"]


class StoreError(Exception):
    """The results store cannot be used; the message says why, for people, and ``kind``
    which of a few reasons it is."""

    def __init__(self, message: str, kind: StoreProblem = "other") -> None:
        super().__init__(message)
        self.kind: StoreProblem = kind

    def detached(self) -> StoreError:
        """This error without its traceback and the database error it stands for, which
        hold a failed write's rows: for keeping while the problem is shown."""
        return StoreError(str(self), self.kind)


class StoreMissing(StoreError):
    """There is no results store where one was to be read: nothing was created."""


class StoreAddressError(StoreError):
    """The --results address is neither an SQLite file nor a PostgreSQL URL (a usage error)."""


@dataclass
class SnapshotChange:
    """What a session's snapshot gained since it was last written, so that writing it costs
    the same at the two-thousandth decision as at the second: the small ``head`` (the
    snapshot without its growing lists) whole, and of each growing list only the items
    that are new or were revised, by position. ``counts`` is how long each list is now."""

    head: dict[str, Any]
    counts: dict[str, int]
    new: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    revised: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class TakeBack:
    """Practice took back the written decisions from ``first_step`` on (the play's
    ``rewind``-th take-back); the play's events now end at ``events_left``."""

    rewind: int
    first_step: int
    events_left: int


def now() -> datetime:
    return datetime.now(timezone.utc)


def default_location() -> str:
    return os.environ.get(RESULTS_ENVIRONMENT) or str(data_dir() / "results.sqlite3")


def database_url(location: str) -> str:
    """The SQLAlchemy URL of a --results address; StoreAddressError for any other scheme
    (mysql://, a typo): only the databases this simulator ships a driver for are used."""
    for plain in ("postgresql://", "postgres://"):
        if location.startswith(plain):  # psycopg 3 is the driver we ship
            return "postgresql+psycopg://" + location.removeprefix(plain)
    if location.startswith(("postgresql+psycopg://", "sqlite:///")):
        return location
    if "://" in location:
        raise StoreAddressError(
            f"--results takes an SQLite file or a postgresql:// URL, not {redacted(location)}"
        )
    return f"sqlite:///{Path(location).expanduser().resolve()}"


def _damaged(location: str) -> str:
    return (
        f"the results file {redacted(location)} is damaged or is not a results file; it was "
        "left untouched. Move it aside (keep it: someone may recover it) or point "
        "--results elsewhere"
    )


def _described(error: BaseException, location: str) -> StoreError:
    """The database's error as a StoreError that says what it means for the store."""
    location = redacted(location)
    cause = getattr(error, "orig", None) or error
    text = redacted(str(cause).strip().splitlines()[0])
    kind = _kind_of(cause)
    if kind == "damaged":
        return StoreError(_damaged(location), "damaged")
    if kind == "locked":
        return StoreError(
            f"the results store {location} is locked by another program; try again", "locked"
        )
    if kind == "read_only":
        return StoreError(f"the results store {location} cannot be written: {text}", "read_only")
    if kind == "disk":
        return StoreError(f"the disk holding {location} is full or failing: {text}", "disk")
    return StoreError(f"the results store {location} cannot be used: {text}")


#: The system's error numbers for the reasons they give (those this system has: Windows
#: has no EDQUOT).
_ERRNO_KINDS: dict[int, StoreProblem] = {
    code: kind
    for name, kind in (
        ("EACCES", "read_only"),
        ("EPERM", "read_only"),
        ("EROFS", "read_only"),
        ("ENOSPC", "disk"),
        ("EDQUOT", "disk"),
        ("EIO", "disk"),
        ("EFBIG", "disk"),
    )
    if (code := getattr(errno, name, None)) is not None
}
#: SQLite's result codes (``sqlite_errorname``, extended codes by their prefix).
_SQLITE_KINDS: dict[str, StoreProblem] = {
    "SQLITE_CORRUPT": "damaged",
    "SQLITE_NOTADB": "damaged",
    "SQLITE_BUSY": "locked",
    "SQLITE_LOCKED": "locked",
    "SQLITE_READONLY": "read_only",
    "SQLITE_PERM": "read_only",
    "SQLITE_FULL": "disk",
    "SQLITE_IOERR": "disk",
}
#: PostgreSQL's SQLSTATE codes (psycopg's ``sqlstate``).
_SQLSTATE_KINDS: dict[str, StoreProblem] = {
    "XX001": "damaged",  # data_corrupted
    "XX002": "damaged",  # index_corrupted
    "55P03": "locked",  # lock_not_available
    "25006": "read_only",  # read_only_sql_transaction
    "42501": "read_only",  # insufficient_privilege
    "53100": "disk",  # disk_full
}


def _kind_of(cause: BaseException) -> StoreProblem:
    """Which reason the error gives: by its code where it has one (a path in an OS
    error's text says nothing about the error: '/srv/unlocked' is not locked), and
    otherwise by SQLite's words for it."""
    if isinstance(cause, OSError) and cause.errno is not None:
        return _ERRNO_KINDS.get(cause.errno, "other")
    name = getattr(cause, "sqlite_errorname", None)
    if name:
        return next(
            (kind for prefix, kind in _SQLITE_KINDS.items() if name.startswith(prefix)), "other"
        )
    state = getattr(cause, "sqlstate", None)
    if state:
        return _SQLSTATE_KINDS.get(state, "other")
    lowered = str(cause).lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return "damaged"
    if "locked" in lowered or "busy" in lowered:
        return "locked"
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return "read_only"
    if "disk" in lowered and ("full" in lowered or "i/o" in lowered):
        return "disk"
    return "other"


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 15000")  # wait for other writers, do not fail
    cursor.execute("PRAGMA journal_mode = WAL")  # many trainees write at once
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


class ResultsStore:
    def __init__(self, engine: Engine, location: str) -> None:
        self.engine = engine
        self.location = location
        # When set, every play started through this handle is recorded as from this
        # source, whatever the caller says: the demo sets "demo" on the store it plays into.
        self.source: str | None = None

    @classmethod
    def open(
        cls, location: str | None = None, *, create: bool = True, read_only: bool = False
    ) -> ResultsStore:
        """Open the store at a path or database URL: for writing, creating it if needed
        (unless ``create`` is False), or ``read_only``, which never creates or changes it.
        A missing store that is not to be created raises StoreMissing."""
        location = location or default_location()
        url = database_url(location)
        create = create and not read_only
        try:
            if url.startswith("sqlite:///"):
                path = Path(url.removeprefix("sqlite:///"))
                if not path.exists() and not create:
                    raise StoreMissing(
                        f"there is no results store at {redacted(location)} (nothing was "
                        "created); check --results"
                    )
                _check_sqlite_file(path, location)
                if read_only:
                    engine = _read_only_sqlite(path)
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    engine = sa.create_engine(url, connect_args={"timeout": 15})
                    event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
                with engine.connect() as connection:
                    _check_tables(connection, location)
            if create:
                _create_schema_retrying(engine, location)
            else:
                _check_schema(engine, location)
        except StoreError:
            raise
        except (SQLAlchemyError, OSError, sqlite3.Error, ValueError, ImportError) as error:
            raise _described(error, location) from None
        return cls(engine, location)

    def _write(self, statements: Iterable[Any]) -> None:
        """Run the statements in one transaction; a (statement, rows) pair runs once per row."""
        try:
            with self.engine.begin() as connection:
                for statement in statements:
                    if isinstance(statement, tuple):
                        if statement[1]:
                            connection.execute(*statement)
                    else:
                        connection.execute(statement)
        except (SQLAlchemyError, OSError, sqlite3.Error) as error:
            raise _described(error, self.location) from None

    def _read(self, statement: Any) -> list[dict[str, Any]]:
        return [dict(row._mapping) for row in self.query(statement)]

    def query(self, statement: Any) -> list[sa.Row[Any]]:
        """The rows a small query gives (a report's totals), all at once."""
        try:
            with self.engine.connect() as connection:
                return list(connection.execute(statement))
        except (SQLAlchemyError, OSError, sqlite3.Error) as error:
            raise _described(error, self.location) from None

    @contextmanager
    def side_by_side(
        self, *statements: Any, batch: int = 2000
    ) -> Iterator[list[Iterator[sa.Row[Any]]]]:
        """Several large queries read side by side, a batch at a time, all from one
        snapshot of the store: a play recorded meanwhile is in all of them or in none
        (SQLite: one read transaction; PostgreSQL: one REPEATABLE READ transaction, each
        query through its own server-side cursor)."""
        try:
            with self.engine.connect() as connection:
                options: dict[str, Any] = {"stream_results": True, "yield_per": batch}
                if self.engine.dialect.name == "postgresql":
                    options["isolation_level"] = "REPEATABLE READ"
                reading = connection.execution_options(**options)
                if self.engine.dialect.name == "sqlite":
                    reading.exec_driver_sql("BEGIN")  # the driver begins none for a SELECT
                yield [iter(reading.execute(statement)) for statement in statements]
        # Not OSError: what the reader does with the rows (writing a CSV) fails its own way.
        except (SQLAlchemyError, sqlite3.Error) as error:
            raise _described(error, self.location) from None

    # ------------------------------------------------------------ writing

    def start_play(
        self,
        play_id: str,
        trainee: str,
        scenario_id: str,
        title: str,
        content_hash: str,
        language: str,
        cost_unit: str,
        seed: int,
        source: str,
        xapi: list[dict[str, Any]],
    ) -> None:
        """Create the play's row, with its first xAPI statements queued in the same commit;
        ``record`` writes the rest (a snapshot too) right after."""
        source = self.source or source
        if source not in SOURCES:
            raise ValueError(f"a play's source is one of {', '.join(SOURCES)}, not {source!r}")
        self._write(
            [
                sa.insert(plays).values(
                    id=play_id,
                    trainee=trainee,
                    scenario_id=scenario_id,
                    scenario_title=title,
                    scenario_hash=content_hash,
                    language=language,
                    cost_unit=cost_unit,
                    seed=seed,
                    source=source,
                    started_at=now(),
                    status="playing",
                ),
                self._queue(play_id, 0, xapi),
            ]
        )

    def record(
        self,
        play_id: str,
        first_step: int,
        new: list[DecisionRecord],
        status: str,
        snapshot: SnapshotChange | None,
        result: SessionResult | None,
        xapi: list[dict[str, Any]],
        first_statement: int,
        revised: list[tuple[int, DecisionRecord]] = (),  # type: ignore[assignment]
        taken_back_from: TakeBack | None = None,
    ) -> None:
        """Add decisions (numbered from ``first_step``), the play's state and the xAPI
        statements they make, all in one commit. ``revised`` gives decisions already
        written whose deltas have changed since, as consequences of them arrived (or, after
        a take-back, went). ``taken_back_from`` says which written decisions practice took
        back: their rows move to ``taken_back`` first, in the same commit, so a store never
        holds a play half taken back. Without a snapshot (a play that has ended, or one
        that is never resumed) none is kept."""
        changes: list[Any] = []
        stamp = now()
        if taken_back_from is not None:
            changes += self._take_back(
                play_id, taken_back_from, [step for step, _ in revised], stamp
            )
        for step, decision in revised:
            changes.append(
                sa.update(decisions)
                .where(decisions.c.play_id == play_id, decisions.c.step == step)
                .values(
                    satisfaction_delta=decision.satisfaction_delta, cost_delta=decision.cost_delta
                )
            )
        rows = [
            {
                "play_id": play_id,
                "step": first_step + offset,
                "node": decision.node,
                "choice": decision.choice,
                "choice_text": decision.text,
                "tags": json.dumps(list(decision.tags)),
                "lesson": decision.lesson,
                "satisfaction_delta": decision.satisfaction_delta,
                "cost_delta": decision.cost_delta,
                "satisfaction_after": decision.satisfaction_after,
                "cost_after": decision.cost_after,
                "seconds_to_decide": decision.seconds_to_decide,
                "decided_at": stamp,
            }
            for offset, decision in enumerate(new)
        ]
        changes.append((sa.insert(decisions), rows))
        values: dict[str, Any] = {"status": status, "snapshot": _head(snapshot)}
        if result is not None:
            values.update(
                finished_at=stamp,
                ending=result.ending,
                ending_kind=result.ending_kind,
                satisfaction=result.satisfaction,
                cost=result.cost,
                score=result.score,
                grade=result.grade,
                passed=result.passed,
            )
        changes.append(sa.update(plays).where(plays.c.id == play_id).values(**values))
        if status != "playing":  # nothing left to resume: the parts go with the snapshot
            changes.append(sa.delete(snapshot_parts).where(snapshot_parts.c.play_id == play_id))
        changes += self._snapshot_parts(play_id, snapshot)
        changes.append(self._queue(play_id, first_statement, xapi))
        self._write(changes)

    @staticmethod
    def _take_back(play_id: str, back: TakeBack, revised: list[int], stamp: datetime) -> list[Any]:
        """Statements that keep the taken-back rows, whole, in ``taken_back`` (and the rows
        the take-back revises, as they stood), then remove what no longer happened."""

        def kept(why: str, steps: Any) -> Any:
            copied = [c for c in taken_back.columns if c.name in decisions.columns]
            source = sa.select(
                *(decisions.c[c.name] for c in copied),
                sa.literal(back.rewind).label("rewind"),
                sa.literal(why).label("why"),
                sa.literal(stamp, sa.DateTime(timezone=True)).label("taken_back_at"),
            ).where(decisions.c.play_id == play_id, steps)
            names = [c.name for c in copied] + ["rewind", "why", "taken_back_at"]
            return sa.insert(taken_back).from_select(names, source)

        part = snapshot_parts.c
        changes = [kept("taken back", decisions.c.step >= back.first_step)]
        earlier = [step for step in revised if step < back.first_step]
        if earlier:
            changes.append(kept("revised", decisions.c.step.in_(earlier)))
        changes += [
            sa.delete(decisions).where(
                decisions.c.play_id == play_id, decisions.c.step >= back.first_step
            ),
            sa.delete(snapshot_parts).where(
                part.play_id == play_id,
                ((part.kind == "decisions") & (part.position >= back.first_step))
                | ((part.kind == "events") & (part.position >= back.events_left)),
            ),
        ]
        return changes

    @staticmethod
    def _snapshot_parts(play_id: str, snapshot: SnapshotChange | None) -> list[Any]:
        """The statements that bring the stored parts of the snapshot up to date."""
        if snapshot is None:
            return []
        part = snapshot_parts.c
        changes: list[Any] = [
            sa.update(snapshot_parts)
            .where(part.play_id == play_id, part.kind == kind, part.position == position)
            .values(body=_json(item))
            for kind, position, item in snapshot.revised
        ]
        rows = [
            {"play_id": play_id, "kind": kind, "position": position, "body": _json(item)}
            for kind, position, item in snapshot.new
        ]
        changes.append((sa.insert(snapshot_parts), rows))
        return changes

    @staticmethod
    def _queue(play_id: str, first: int, xapi: list[dict[str, Any]]) -> tuple[Any, list[Any]]:
        stamp = now()
        rows = [
            {
                "id": statement["id"],
                "play_id": play_id,
                "position": first + offset,
                "body": _json(statement),
                "queued_at": stamp,
            }
            for offset, statement in enumerate(xapi)
        ]
        return sa.insert(xapi_queue), rows

    def unsent(self, limit: int = 200) -> list[dict[str, Any]]:
        """Queued statements the LRS has not taken yet, oldest first."""
        rows = self._read(
            sa.select(xapi_queue.c.body)
            .where(xapi_queue.c.sent_at.is_(None))
            .order_by(xapi_queue.c.queued_at, xapi_queue.c.play_id, xapi_queue.c.position)
            .limit(limit)
        )
        return [json.loads(row["body"]) for row in rows]

    def mark_sent(self, ids: list[str]) -> None:
        """Take statements the LRS now holds out of the queue (and any that earlier versions
        kept after sending): the LRS has them, and the play itself stays in the store."""
        if ids:
            self._write(
                [
                    sa.delete(xapi_queue).where(
                        xapi_queue.c.id.in_(ids) | xapi_queue.c.sent_at.is_not(None)
                    )
                ]
            )

    def queued(self) -> int:
        """How many statements wait for the LRS."""
        rows = self._read(
            sa.select(sa.func.count().label("waiting"))
            .select_from(xapi_queue)
            .where(xapi_queue.c.sent_at.is_(None))
        )
        return int(rows[0]["waiting"])

    def abandon(self, play_id: str) -> None:
        """A play left before its ending: never offered for resuming again."""
        self._write(
            [
                sa.update(plays)
                .where(plays.c.id == play_id)
                .values(status="abandoned", snapshot=None),
                sa.delete(snapshot_parts).where(snapshot_parts.c.play_id == play_id),
            ]
        )

    # ------------------------------------------------------------ reading

    def unfinished(
        self, trainee: str, scenario_id: str, content_hash: str
    ) -> tuple[str, dict[str, Any], str] | None:
        """The trainee's latest play of this exact scenario that has not ended:
        (play id, snapshot, language). Runs and demos are never offered."""
        rows = self._read(
            sa.select(plays.c.id, plays.c.snapshot, plays.c.language)
            .where(
                plays.c.trainee == trainee,
                plays.c.scenario_id == scenario_id,
                plays.c.scenario_hash == content_hash,
                plays.c.status == "playing",
                plays.c.source.in_(TRAINEE_SOURCES),
                plays.c.snapshot.is_not(None),
            )
            .order_by(plays.c.started_at.desc())
            .limit(1)
        )
        if not rows:
            return None
        snapshot = self._whole_snapshot(rows[0]["id"], rows[0]["snapshot"])
        if snapshot is None:
            return None
        return rows[0]["id"], snapshot, rows[0]["language"]

    def snapshot_counts(self, play_id: str) -> dict[str, int]:
        """How many items of each growing list the play's stored snapshot holds in parts
        (none for a snapshot written whole): where a resumed recorder carries on."""
        rows = self._read(sa.select(plays.c.snapshot).where(plays.c.id == play_id))
        head = _loads(rows[0]["snapshot"]) if rows else None
        counts = head.get("parts") if isinstance(head, dict) else None
        return {kind: int(counts.get(kind, 0)) if counts else 0 for kind in GROWING}

    def _whole_snapshot(self, play_id: str, text: str | None) -> dict[str, Any] | None:
        """The snapshot as the session made it: the head with its parts put back. None
        when it cannot be read whole (never offered, rather than resumed wrongly)."""
        head = _loads(text)
        if not isinstance(head, dict) or "parts" not in head:
            return head if isinstance(head, dict) else None
        counts = head.pop("parts")
        lists: dict[str, list[Any]] = {kind: [] for kind in GROWING}
        for row in self._read(
            sa.select(snapshot_parts.c.kind, snapshot_parts.c.body)
            .where(snapshot_parts.c.play_id == play_id)
            .order_by(snapshot_parts.c.kind, snapshot_parts.c.position)
        ):
            if row["kind"] in lists:
                lists[row["kind"]].append(_loads(row["body"]))
        if any(len(lists[kind]) != counts.get(kind) for kind in GROWING):
            return None
        return {**head, **lists}

    def plays(
        self,
        scenario: str | None = None,
        since: datetime | None = None,
        trainee: str | None = None,
        sources: Collection[str] | None = None,
    ) -> list[dict[str, Any]]:
        """The plays, oldest first, from every source unless ``sources`` says which. An
        unfinished play's ``snapshot`` is given whole, however it is kept."""
        query = sa.select(plays).order_by(plays.c.started_at)
        if scenario:
            query = query.where(plays.c.scenario_id == scenario)
        if since:
            query = query.where(plays.c.started_at >= since)
        if trainee:
            query = query.where(plays.c.trainee == trainee)
        if sources is not None:
            query = query.where(plays.c.source.in_(list(sources)))
        found = self._read(query)
        for play in found:
            if play["snapshot"] is not None and '"parts"' in play["snapshot"]:
                whole = self._whole_snapshot(play["id"], play["snapshot"])
                play["snapshot"] = None if whole is None else json.dumps(whole)
        return found

    def taken_back(self, play_ids: list[str]) -> dict[str, int]:
        """How many decisions each of these plays took back in practice (a store written
        before decisions could be taken back has none)."""
        if not play_ids:
            return {}
        if not self.has_table("taken_back"):
            return {}
        counts: dict[str, int] = {}
        for start in range(0, len(play_ids), 500):
            chunk = play_ids[start : start + 500]
            for row in self._read(
                sa.select(taken_back.c.play_id, sa.func.count().label("taken"))
                .where(taken_back.c.play_id.in_(chunk), taken_back.c.why == "taken back")
                .group_by(taken_back.c.play_id)
            ):
                counts[row["play_id"]] = int(row["taken"])
        return counts

    def has_table(self, name: str) -> bool:
        """Whether the store has this table: one written by an earlier version may lack
        a later one (``taken_back``), and a report never adds it."""
        try:
            with self.engine.connect() as connection:
                return sa.inspect(connection).has_table(name)
        except (SQLAlchemyError, OSError, sqlite3.Error) as error:
            raise _described(error, self.location) from None

    def decisions(self, play_ids: list[str]) -> list[dict[str, Any]]:
        if not play_ids:
            return []
        found: list[dict[str, Any]] = []
        for start in range(0, len(play_ids), 500):
            chunk = play_ids[start : start + 500]
            found += self._read(
                sa.select(decisions)
                .where(decisions.c.play_id.in_(chunk))
                .order_by(decisions.c.play_id, decisions.c.step)
            )
        return found


def _json(data: Any) -> str:
    """Strict JSON (no NaN or Infinity, which other programs cannot read)."""
    return json.dumps(data, allow_nan=False)


def _loads(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except (TypeError, json.JSONDecodeError):
        return None


def _head(snapshot: SnapshotChange | None) -> str | None:
    if snapshot is None:
        return None
    return json.dumps({**snapshot.head, "parts": snapshot.counts})


def _create_schema_retrying(engine: Engine, location: str) -> None:
    for attempt in range(5):
        try:
            _create_schema(engine, location)
            return
        except (sa.exc.OperationalError, sa.exc.IntegrityError) as error:
            # A room of trainees starts at once: another process created the same table a
            # moment earlier (look again), or is switching a new file to WAL, which SQLite
            # refuses rather than waits for (wait a little, then look).
            text = str(error).lower()
            if attempt == 4 or not any(
                word in text for word in ("already exists", "unique", "locked", "busy")
            ):
                raise
            time.sleep(0.1 * (attempt + 1) + random.random() * 0.1)


def _check_schema(engine: Engine, location: str) -> None:
    """An existing store, as one that is not to be created must be: ours, and not newer."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("store_info"):
            raise StoreMissing(
                f"there is no results store in {redacted(location)} (nothing was created); "
                "check --results"
            )
        version = connection.execute(
            sa.select(store_info.c.value).where(store_info.c.key == "schema_version")
        ).scalar()
    _check_version(version, location)


def _check_tables(connection: Any, location: str) -> None:
    """Refuse, before anything is written, a database that holds another program's tables
    (a PostgreSQL database shared by mistake, an SQLite file of another program) or tables
    of ours that lack columns (a store edited by hand, or another program's table that
    shares a name with ours): either would be harmed, or misread, by writing to it. Ours
    has store_info, or only tables of ours while another trainee's process is creating
    them (SQLite commits each CREATE TABLE on its own). ``connection`` is SQLAlchemy's
    or, for an SQLite file looked at before it is opened for writing, sqlite3's own."""
    tables = _table_columns(connection)
    ours = set(tables) & set(metadata.tables)
    if "store_info" not in tables and set(tables) - ours:
        raise StoreError(
            f"the database {redacted(location)} holds tables of another program and is not "
            "a results store; it was left untouched. Point --results at a results store, "
            "or at a new file or empty database",
            "damaged",
        )
    for name in sorted(ours):
        missing = [c.name for c in metadata.tables[name].columns if c.name not in tables[name]]
        if missing:
            raise StoreError(
                f"the results store {redacted(location)} is damaged or not ours: its table "
                f"'{name}' lacks {', '.join(missing)}; it was left untouched",
                "damaged",
            )


def _table_columns(connection: Any) -> dict[str, set[str]]:
    """Each table's column names, read without writing anything."""
    if isinstance(connection, sqlite3.Connection):
        names = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        ]
        return {
            name: {
                row[1] for row in connection.execute("SELECT * FROM pragma_table_info(?)", (name,))
            }
            for name in names
        }
    inspector = sa.inspect(connection)
    return {
        name: {column["name"] for column in inspector.get_columns(name)}
        for name in inspector.get_table_names()
    }


def _check_version(version: str | None, location: str) -> None:
    if version is not None and int(version) > SCHEMA_VERSION:
        raise StoreError(
            f"the results store {redacted(location)} was written by a newer simulator; "
            "update this one",
            "newer",
        )


def _create_schema(engine: Engine, location: str) -> None:
    """Create the tables once, even when a whole room of trainees starts at the same moment."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(727274)"))
        metadata.create_all(connection)
        version = connection.execute(
            sa.select(store_info.c.value).where(store_info.c.key == "schema_version")
        ).scalar()
        if version is None:
            connection.execute(
                sa.insert(store_info).values(key="schema_version", value=str(SCHEMA_VERSION))
            )
    _check_version(version, location)


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"


def _read_only_connection(path: Path) -> sqlite3.Connection:
    """SQLite's own read-only mode: nothing is written and no journal mode is changed. A
    store on a read-only mount (or without write permission) whose WAL index cannot be
    made is opened immutable instead, which is exact when it has no write-ahead log."""
    uri = f"file:{quote(str(path))}"
    connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=15, check_same_thread=False)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens lazily
        return connection
    except sqlite3.OperationalError as error:
        connection.close()
        name = getattr(error, "sqlite_errorname", "")
        log = path.with_name(path.name + "-wal")
        if not name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or (
            log.exists() and log.stat().st_size
        ):
            raise
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=15, check_same_thread=False)


def _read_only_sqlite(path: Path) -> Engine:
    return sa.create_engine(
        "sqlite://", creator=lambda: _read_only_connection(path), poolclass=sa.pool.NullPool
    )


def _check_sqlite_file(path: Path, location: str) -> None:
    """Refuse, before anything is written, an SQLite file that another program keeps (it
    has tables of its own and no store_info) or that is damaged (``PRAGMA quick_check``, once per
    opening: it reads the file without changing it). Only read-only connections look."""
    if not path.exists() or path.stat().st_size == 0:
        return  # a new store: nothing there to harm
    if not _looks_like_sqlite(path):
        raise StoreError(_damaged(location), "damaged")
    try:
        connection = _read_only_connection(path)
        try:
            _check_tables(connection, location)
            verdict = connection.execute("PRAGMA quick_check").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise _described(error, location) from None
    if verdict is None or verdict[0] != "ok":
        raise StoreError(_damaged(location), "damaged")
