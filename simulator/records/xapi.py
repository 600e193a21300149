"""xAPI 1.0.3 statements for a play, and sending them to a Learning Record Store.

Statement ids are made here, from the play's id and the statement's place in
the play, so sending the same statement twice can never create two. Every
statement is queued in the results store first and marked sent only when the
LRS has taken it; `simulator sync` sends whatever is still queued. Credentials
come from the environment or a config file and never appear in any message.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
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


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _duration(seconds: float) -> str:
    return f"PT{max(0.0, seconds):.2f}S"


class StatementBuilder:
    """The statements of one play; the same input always gives the same statements."""

    def __init__(self, scenario: PlayableScenario, play_id: str, trainee: str) -> None:
        self.scenario = scenario
        self.play_id = play_id
        self.language = scenario.model.language
        digest = hashlib.sha256(f"cs-simulator:{trainee}".encode()).hexdigest()[:32]
        # Pseudonymous by default: the LRS sees a stable id, never the trainee's name.
        self.actor = {"objectType": "Agent", "account": {"homePage": HOMEPAGE, "name": digest}}
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

    def answered(self, step: int, decision: DecisionRecord, when: datetime) -> dict[str, Any]:
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
            f"answered:{step}",
            "answered",
            when,
            object=interaction,
            context={"contextActivities": {"parent": [self.activity]}},
            result={
                "response": decision.choice or "timeout",
                "duration": _duration(decision.seconds_to_decide),
                "extensions": {
                    EXTENSION + "satisfaction-delta": decision.satisfaction_delta,
                    EXTENSION + "cost-delta": decision.cost_delta,
                    EXTENSION + "satisfaction": decision.satisfaction_after,
                    EXTENSION + "cost": decision.cost_after,
                },
            },
        )

    def ending(self, result: SessionResult, when: datetime) -> list[dict[str, Any]]:
        extensions = {
            EXTENSION + "satisfaction": result.satisfaction,
            EXTENSION + "cost": result.cost,
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


@dataclass(frozen=True)
class LrsClient:
    url: str
    username: str
    password: str

    @classmethod
    def configured(cls, url: str | None = None) -> LrsClient | None:
        """The LRS to send to, from --lrs or $CS_SIMULATOR_LRS, with credentials from
        $CS_SIMULATOR_LRS_USERNAME/$CS_SIMULATOR_LRS_PASSWORD or lrs.json in the data folder."""
        url = url or os.environ.get(LRS_ENVIRONMENT)
        if not url:
            return None
        stored = read_json(data_dir() / "lrs.json")
        stored = stored if isinstance(stored, dict) else {}
        username = os.environ.get("CS_SIMULATOR_LRS_USERNAME") or stored.get("username", "")
        password = os.environ.get("CS_SIMULATOR_LRS_PASSWORD") or stored.get("password", "")
        return cls(url.rstrip("/"), str(username), str(password))

    def __repr__(self) -> str:  # never show the password, even in a debugger or a log
        return f"LrsClient(url={self.url!r})"

    def _post(self, statements: list[dict[str, Any]]) -> int:
        token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        request = urllib.request.Request(
            f"{self.url}/xAPI/statements",
            data=json.dumps(statements).encode("utf-8"),
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
        except (urllib.error.URLError, OSError) as error:
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
