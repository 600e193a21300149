"""xAPI 1.0.3 statements for a play, and sending them to a Learning Record Store.

Statement ids are made here, from the play's id and the statement's place in
the play, so sending the same statement twice can never create two. With an
LRS configured, every statement is queued in the results store first and taken
out of the queue only when the LRS has it; `simulator sync` sends whatever is
still queued. Credentials come from the environment or a config file and never
appear in any message.

The trainee is a pseudonym: an HMAC of the name under a secret made once per
installation (``xapi-secret`` in the data folder), so a list of names cannot be
hashed to find who is who. Numbers that JSON cannot carry (NaN, infinity) are
sent as null.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import os
import secrets
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from simulator.engine.session import DecisionRecord, SessionResult
from simulator.records.redaction import redacted
from simulator.scenario.playable import PlayableScenario
from simulator.userdata import data_dir, read_json

XAPI_VERSION = "1.0.3"
VERB = "http://adlnet.gov/expapi/verbs/"
LRS_ENVIRONMENT = "CS_SIMULATOR_LRS"
HOMEPAGE = "https://cs-simulator.example.org"
EXTENSION = f"{HOMEPAGE}/xapi/extensions/"
SECRET_FILE = "xapi-secret"
#: At most this many statements wait for the LRS (about 2,000 plays of ten decisions);
#: a play started while more wait is recorded but not queued, until `sync` sends them.
XAPI_QUEUE_LIMIT = 20_000


def installation_secret(folder: Path | None = None) -> bytes:
    """The key of the trainees' pseudonyms, made once in the data folder (readable by its
    owner only) and never printed. Made in a temporary file and linked into place, so a
    room of trainees starting at once all end up with the one that got there first."""
    path = (folder or data_dir()) / SECRET_FILE
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_FILE}.")
        try:  # mkstemp makes the file 0600
            with os.fdopen(handle, "w", encoding="ascii") as stream:
                stream.write(secrets.token_hex(32) + "\n")
                stream.flush()
                os.fsync(stream.fileno())
            try:
                os.link(temporary, path)  # never replaces one that exists
            except FileExistsError:
                pass
            except OSError:  # a file system without hard links
                if not path.exists():
                    os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    return path.read_bytes().strip()


def pseudonym(trainee: str, secret: bytes) -> str:
    return hmac.new(secret, trainee.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def _number(value: float) -> float | None:
    """A number as JSON can carry it: NaN and infinity (a scenario's runaway effect) as null."""
    return value if math.isfinite(value) else None


def _finite(data: Any) -> Any:
    """The data with every number JSON cannot carry as null (statements queued by earlier
    versions may hold some)."""
    if isinstance(data, float):
        return _number(data)
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_finite(value) for value in data]
    return data


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _duration(seconds: float) -> str:
    return f"PT{max(0.0, seconds) if math.isfinite(seconds) else 0.0:.2f}S"


class StatementBuilder:
    """The statements of one play; the same input always gives the same statements."""

    def __init__(
        self,
        scenario: PlayableScenario,
        play_id: str,
        trainee: str,
        secret: bytes | None = None,
    ) -> None:
        self.scenario = scenario
        self.play_id = play_id
        self.language = scenario.model.language
        name = pseudonym(trainee, secret if secret is not None else installation_secret())
        # Pseudonymous: the LRS sees a stable id, never the trainee's name.
        self.actor = {"objectType": "Agent", "account": {"homePage": HOMEPAGE, "name": name}}
        self.activity = {
            "objectType": "Activity",
            "id": f"{HOMEPAGE}/scenarios/{scenario.id}",
            "definition": {
                "name": {self.language: scenario.title},
                "type": "http://adlnet.gov/expapi/activities/simulation",
            },
        }

    def _statement(self, key: str, verb: str, when: datetime, **parts: Any) -> dict[str, Any]:
        context = {"registration": self.play_id, "language": self.language}
        context.update(parts.pop("context", {}))
        return {
            "id": str(uuid.uuid5(uuid.UUID(self.play_id), key)),
            "actor": self.actor,
            "verb": {"id": VERB + verb, "display": {"en-US": verb}},
            "object": parts.pop("object", self.activity),
            "context": context,
            "timestamp": _iso(when),
            "version": XAPI_VERSION,
            **parts,
        }

    def initialized(self, when: datetime) -> dict[str, Any]:
        return self._statement("initialized", "initialized", when)

    def answered(
        self, step: int, decision: DecisionRecord, when: datetime, attempt: int = 0
    ) -> dict[str, Any]:
        """A decision; ``attempt`` counts the play's decisions taken back before it was made,
        so an answer given again after taking one back has an id of its own."""
        node = self.scenario.model.nodes[decision.node]
        ids = self.scenario.choice_ids[decision.node]
        choices = [
            {"id": key, "description": {self.language: choice.text}}
            for key, choice in zip(ids, node.choices or [], strict=True)
        ]
        interaction = {
            "objectType": "Activity",
            "id": f"{self.activity['id']}/decisions/{decision.node}",
            "definition": {
                "name": {self.language: decision.node},
                "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
                "interactionType": "choice",
                "choices": choices,
            },
        }
        return self._statement(
            f"answered:{step}" if attempt == 0 else f"answered:{step}:{attempt}",
            "answered",
            when,
            object=interaction,
            context={"contextActivities": {"parent": [self.activity]}},
            result={
                "response": decision.choice or "timeout",
                "duration": _duration(decision.seconds_to_decide),
                "extensions": {
                    EXTENSION + "satisfaction-delta": _number(decision.satisfaction_delta),
                    EXTENSION + "cost-delta": _number(decision.cost_delta),
                    EXTENSION + "satisfaction": _number(decision.satisfaction_after),
                    EXTENSION + "cost": _number(decision.cost_after),
                },
            },
        )

    def voided(self, statement_id: str, when: datetime) -> dict[str, Any]:
        """Withdraws a statement (a decision the trainee took back in practice): the LRS
        keeps both, and reports leave the withdrawn one out."""
        return self._statement(
            f"voided:{statement_id}",
            "voided",
            when,
            object={"objectType": "StatementRef", "id": statement_id},
        )

    def ending(self, result: SessionResult, when: datetime) -> list[dict[str, Any]]:
        extensions = {
            EXTENSION + "satisfaction": _number(result.satisfaction),
            EXTENSION + "cost": _number(result.cost),
            EXTENSION + "ending": result.ending,
        }
        outcome = {
            "score": {"scaled": result.score / 100, "raw": int(result.score), "min": 0, "max": 100},
            "success": result.passed,
            "completion": True,
            "extensions": extensions,
        }
        verdict = "passed" if result.passed else "failed"
        return [
            self._statement(
                "completed",
                "completed",
                when,
                result={"completion": True, "extensions": extensions},
            ),
            self._statement(verdict, verdict, when, result=outcome),
            self._statement("terminated", "terminated", when),
        ]


class LrsUnavailable(Exception):
    """The LRS could not take the statements now; they stay queued."""


class LrsAddressError(ValueError):
    """The LRS address is not an http(s) URL (a usage error)."""


def checked_lrs_url(url: str) -> str:
    """The LRS address without a trailing slash, or LrsAddressError saying what is wrong."""
    problem = f"--lrs takes the LRS's http:// or https:// address, not {redacted(url)!r}"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (a port that is not a number raises here)
    except ValueError:
        raise LrsAddressError(problem) from None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(character.isspace() or not character.isprintable() for character in url)
    ):
        raise LrsAddressError(problem)
    return url.rstrip("/")


@dataclass(frozen=True)
class LrsClient:
    url: str
    username: str
    password: str

    @classmethod
    def configured(cls, url: str | None = None) -> LrsClient | None:
        """The LRS to send to, from --lrs or $CS_SIMULATOR_LRS, with credentials from
        $CS_SIMULATOR_LRS_USERNAME/$CS_SIMULATOR_LRS_PASSWORD or lrs.json in the data folder.
        Raises LrsAddressError for an address that is not an http(s) URL."""
        url = url or os.environ.get(LRS_ENVIRONMENT)
        if not url:
            return None
        url = checked_lrs_url(url)
        stored = read_json(data_dir() / "lrs.json")
        stored = stored if isinstance(stored, dict) else {}
        username = os.environ.get("CS_SIMULATOR_LRS_USERNAME") or stored.get("username", "")
        password = os.environ.get("CS_SIMULATOR_LRS_PASSWORD") or stored.get("password", "")
        return cls(url, str(username), str(password))

    def __repr__(self) -> str:  # never show the password, even in a debugger or a log
        return f"LrsClient(url={self.url!r})"

    def _post(self, statements: list[dict[str, Any]]) -> int:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/xAPI/statements",
            data=json.dumps(_finite(statements), allow_nan=False).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Experience-API-Version": XAPI_VERSION,
                "Authorization": f"Basic {token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status
        except urllib.error.HTTPError as error:
            if error.code == 409:
                return 409
            raise LrsUnavailable(
                f"the LRS at {redacted(self.url)} refused the statements (HTTP {error.code})"
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise LrsUnavailable(
                f"the LRS at {redacted(self.url)} cannot be reached ({redacted(str(reason))})"
            ) from None

    def send(self, statements: list[dict[str, Any]]) -> list[str]:
        """Send statements; the ids the LRS now holds. A statement it already had (same id)
        counts as held: that is what the client-made ids are for."""
        if not statements:
            return []
        if self._post(statements) != 409:
            return [statement["id"] for statement in statements]
        held = []
        for statement in statements:  # some were there already: send the rest one by one
            self._post([statement])
            held.append(statement["id"])
        return held
