"""Where plays are kept: one SQLite file by default, or a shared PostgreSQL database.

SQLAlchemy Core gives both the same code path. Every decision is committed as
it is made, so killing the process loses at most the decision in flight, and
the latest session snapshot rides along so the player can resume from here.
A store that cannot be used raises ``StoreError`` with a message for people;
nothing here ever deletes or rewrites what was recorded.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from simulator.engine.session import DecisionRecord, SessionResult
from simulator.records.redaction import redacted
from simulator.userdata import RESULTS_ENVIRONMENT, data_dir

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
    sa.Column("source", sa.String(16), nullable=False),  # "player" or "run"
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
    sa.Column("snapshot", sa.Text),  # the latest session snapshot (JSON), for resuming
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

store_info = sa.Table(
    "store_info",
    metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)


class StoreError(Exception):
    """The results store cannot be used; the message says why, for people."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def default_location() -> str:
    return os.environ.get(RESULTS_ENVIRONMENT) or str(data_dir() / "results.sqlite3")


def _url(location: str) -> str:
    for plain in ("postgresql://", "postgres://"):
        if location.startswith(plain):  # psycopg 3 is the driver we ship
            return "postgresql+psycopg://" + location.removeprefix(plain)
    if "://" in location:
        return location
    return f"sqlite:///{Path(location).expanduser().resolve()}"


def _describe(error: BaseException, location: str) -> str:
    location = redacted(location)
    text = redacted(str(getattr(error, "orig", None) or error).strip().splitlines()[0])
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return (
            f"the results file {location} is damaged or is not a results file; it was "
            "left untouched. Move it aside (keep it: someone may recover it) or point "
            "--results elsewhere"
        )
    if "locked" in lowered or "busy" in lowered:
        return f"the results store {location} is locked by another program; try again"
    if "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        return f"the results store {location} cannot be written: {text}"
    if "disk" in lowered and ("full" in lowered or "i/o" in lowered):
        return f"the disk holding {location} is full or failing: {text}"
    return f"the results store {location} cannot be used: {text}"


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

    @classmethod
    def open(cls, location: str | None = None) -> ResultsStore:
        """Open (creating if needed) the store at a path or database URL."""
        location = location or default_location()
        url = _url(location)
        try:
            if url.startswith("sqlite:///"):
                path = Path(url.removeprefix("sqlite:///"))
                path.parent.mkdir(parents=True, exist_ok=True)
                if path.exists() and path.stat().st_size and not _looks_like_sqlite(path):
                    raise StoreError(
                        _describe(sqlite3.DatabaseError("file is not a database"), location)
                    )
                engine = sa.create_engine(url, connect_args={"timeout": 15})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = sa.create_engine(url, pool_pre_ping=True)
            for attempt in range(5):
                try:
                    _create_schema(engine, location)
                    break
                except (sa.exc.OperationalError, sa.exc.IntegrityError) as error:
                    # A room of trainees starts at once: another process created the same
                    # table a moment earlier (look again), or is switching a new file to WAL,
                    # which SQLite refuses rather than waits for (wait a little, then look).
                    text = str(error).lower()
                    if attempt == 4 or not any(
                        word in text for word in ("already exists", "unique", "locked", "busy")
                    ):
                        raise
                    time.sleep(0.1 * (attempt + 1) + random.random() * 0.1)
        except StoreError:
            raise
        except (SQLAlchemyError, OSError, sqlite3.Error, ValueError) as error:
            raise StoreError(_describe(error, location)) from None
        return cls(engine, location)

    def _write(self, statements: Iterable[Any]) -> None:
        try:
            with self.engine.begin() as connection:
                for statement in statements:
                    connection.execute(statement)
        except (SQLAlchemyError, OSError, sqlite3.Error) as error:
            raise StoreError(_describe(error, self.location)) from None

    def _read(self, statement: Any) -> list[dict[str, Any]]:
        try:
            with self.engine.connect() as connection:
                return [dict(row._mapping) for row in connection.execute(statement)]
        except (SQLAlchemyError, OSError, sqlite3.Error) as error:
            raise StoreError(_describe(error, self.location)) from None

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
        snapshot: dict[str, Any],
        xapi: list[dict[str, Any]],
    ) -> None:
        """Create the play's row, with its first xAPI statements queued in the same commit."""
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
                    snapshot=json.dumps(snapshot),
                ),
                *self._queue(play_id, 0, xapi),
            ]
        )

    def record(
        self,
        play_id: str,
        first_step: int,
        new: list[DecisionRecord],
        status: str,
        snapshot: dict[str, Any] | None,
        result: SessionResult | None,
        xapi: list[dict[str, Any]],
        first_statement: int,
        revised: list[tuple[int, DecisionRecord]] = (),  # type: ignore[assignment]
    ) -> None:
        """Add decisions (numbered from ``first_step``), the play's state and the xAPI
        statements they make, all in one commit. ``revised`` gives decisions already
        written whose deltas have grown since, as consequences of them arrived."""
        changes: list[Any] = []
        stamp = now()
        for step, decision in revised:
            changes.append(
                sa.update(decisions)
                .where(decisions.c.play_id == play_id, decisions.c.step == step)
                .values(
                    satisfaction_delta=decision.satisfaction_delta, cost_delta=decision.cost_delta
                )
            )
        for offset, decision in enumerate(new):
            changes.append(
                sa.insert(decisions).values(
                    play_id=play_id,
                    step=first_step + offset,
                    node=decision.node,
                    choice=decision.choice,
                    choice_text=decision.text,
                    tags=json.dumps(list(decision.tags)),
                    lesson=decision.lesson,
                    satisfaction_delta=decision.satisfaction_delta,
                    cost_delta=decision.cost_delta,
                    satisfaction_after=decision.satisfaction_after,
                    cost_after=decision.cost_after,
                    seconds_to_decide=decision.seconds_to_decide,
                    decided_at=stamp,
                )
            )
        values: dict[str, Any] = {
            "status": status,
            "snapshot": json.dumps(snapshot) if snapshot else None,
        }
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
        changes += self._queue(play_id, first_statement, xapi)
        self._write(changes)

    @staticmethod
    def _queue(play_id: str, first: int, xapi: list[dict[str, Any]]) -> list[Any]:
        stamp = now()
        return [
            sa.insert(xapi_queue).values(
                id=statement["id"],
                play_id=play_id,
                position=first + offset,
                body=json.dumps(statement),
                queued_at=stamp,
            )
            for offset, statement in enumerate(xapi)
        ]

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
        if ids:
            self._write(
                [sa.update(xapi_queue).where(xapi_queue.c.id.in_(ids)).values(sent_at=now())]
            )

    def queued(self) -> int:
        return len(self._read(sa.select(xapi_queue.c.id).where(xapi_queue.c.sent_at.is_(None))))

    def abandon(self, play_id: str) -> None:
        self._write(
            [
                sa.update(plays)
                .where(plays.c.id == play_id)
                .values(status="abandoned", snapshot=None)
            ]
        )

    # ------------------------------------------------------------ reading

    def unfinished(
        self, trainee: str, scenario_id: str, content_hash: str
    ) -> tuple[str, dict[str, Any], str] | None:
        """The trainee's latest play of this exact scenario that has not ended:
        (play id, snapshot, language)."""
        rows = self._read(
            sa.select(plays.c.id, plays.c.snapshot, plays.c.language)
            .where(
                plays.c.trainee == trainee,
                plays.c.scenario_id == scenario_id,
                plays.c.scenario_hash == content_hash,
                plays.c.status == "playing",
                plays.c.snapshot.is_not(None),
            )
            .order_by(plays.c.started_at.desc())
            .limit(1)
        )
        if not rows:
            return None
        try:
            snapshot = json.loads(rows[0]["snapshot"])
        except (TypeError, json.JSONDecodeError):
            return None
        return rows[0]["id"], snapshot, rows[0]["language"]

    def plays(
        self, scenario: str | None = None, since: datetime | None = None, trainee: str | None = None
    ) -> list[dict[str, Any]]:
        query = sa.select(plays).order_by(plays.c.started_at)
        if scenario:
            query = query.where(plays.c.scenario_id == scenario)
        if since:
            query = query.where(plays.c.started_at >= since)
        if trainee:
            query = query.where(plays.c.trainee == trainee)
        return self._read(query)

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
    if version is not None and int(version) > SCHEMA_VERSION:
        raise StoreError(
            f"the results store {redacted(location)} was written by a newer simulator; "
            "update this one"
        )


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == b"SQLite format 3\x00"
