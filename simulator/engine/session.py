"""A deterministic play-through of one checked scenario.

All that changes while playing lives in ``SessionState``, plain data that
round-trips through JSON, so save, resume and replay are a matter of copying
one value. The host drives the session by pulling: read ``status``, ``lines``
and ``choices``, then call ``choose``, ``continue_`` or ``tick``. The session
never calls the host.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from simulator.engine.events import (
    ChoiceMade,
    EpisodeStarted,
    Event,
    FallbackTaken,
    LineShown,
    SessionStuck,
    TimerExpired,
    event_from_dict,
    event_to_dict,
)
from simulator.engine.plan import (
    BRANCHES,
    CONTINUES,
    ENDS,
    WAITS,
    ChoiceOffer,
    ChoicePlan,
    ChoiceView,
    NodePlan,
    ScenarioPlan,
    plan_for,
)
from simulator.engine.random import SplitMix64
from simulator.engine.scoring import ScoreBreakdown, score_outcome
from simulator.scenario.model import Node, VariableText
from simulator.scenario.playable import CRITICAL, PlayableScenario
from simulator.scenario.templates import fill

SAVE_FORMAT = 1
MIN_SAVE_FORMAT = 1
MAX_AUTOMATIC_STEPS = 10_000


class Status(str, enum.Enum):
    WAITING_FOR_CHOICE = "waiting_for_choice"
    WAITING_FOR_CONTINUE = "waiting_for_continue"
    WAITING_FOR_CHANCE = "waiting_for_chance"  # only when chance is resolved by the caller
    ENDED = "ended"
    STUCK = "stuck"


# The statuses the engine sets and tests at every step, read once: in Python 3.11 reading
# a member through its enum class costs a lookup in the class each time.
_WAITING_FOR_CHOICE = Status.WAITING_FOR_CHOICE
_WAITING_FOR_CONTINUE = Status.WAITING_FOR_CONTINUE
_ENDED = Status.ENDED


class SessionError(Exception):
    """The host asked for something the session cannot do now (a programming error)."""


class SnapshotError(Exception):
    """A saved snapshot that does not fit this scenario or this simulator."""


_NO_OFFER = ChoiceOffer((), ())


@dataclass(frozen=True)
class LineView:
    id: str
    speaker: str | None
    speaker_name: str | None
    mood: str | None
    text: str


@dataclass(frozen=True)
class ClockView:
    day: int
    time: int  # minutes after midnight
    day_name: str

    @property
    def time_text(self) -> str:
        return f"{self.time // 60:02d}:{self.time % 60:02d}"


@dataclass(slots=True, unsafe_hash=True)
class DecisionRecord:
    """One decision and what it changed.

    Its deltas are what the decision caused: its own effects, plus the consequences that
    arrived after it and before the next decision (later scenes, an episode change, the
    ending), plus any later effect the author charged to it with ``consequence_of``. So
    the deltas of a play's decisions add up exactly to how far the meters moved from the
    first decision to the end.

    Immutable by convention rather than ``frozen``, which made every record cost four
    times as much to build (issue #16): a consequence makes a new record
    (``with_consequence``), and the recorder tells a revised decision from the one it
    wrote by identity, so nothing may assign to a record's fields.
    """

    node: str
    choice: str | None  # None when the timer ran out
    text: str
    tags: tuple[str, ...]
    lesson: str | None
    feedback: str
    satisfaction_before: float
    satisfaction_after: float
    cost_before: float
    cost_after: float
    seconds_to_decide: float
    day: int | None
    time: int | None
    critical: str | None = None  # why the choice was a critical mistake, if it was one
    consequence_satisfaction: float = 0.0  # changes after the choice that belong to it
    consequence_cost: float = 0.0

    @property
    def satisfaction_delta(self) -> float:
        return self.satisfaction_after - self.satisfaction_before + self.consequence_satisfaction

    @property
    def cost_delta(self) -> float:
        return self.cost_after - self.cost_before + self.consequence_cost

    def with_consequence(self, satisfaction: float, cost: float) -> DecisionRecord:
        if not satisfaction and not cost:
            return self
        return replace(
            self,
            consequence_satisfaction=self.consequence_satisfaction + satisfaction,
            consequence_cost=self.consequence_cost + cost,
        )

    @property
    def timed_out(self) -> bool:
        return self.choice is None


@dataclass(frozen=True)
class CostPart:
    """One named part of the cost as the play ended, so the debrief can show what the cost
    is made of (three hours of overtime, a refund) and not only its sum."""

    id: str
    label: str
    unit: str
    amount: float  # of the part itself, in its own unit (hours, points...)
    rate: float  # what one of it costs

    @property
    def cost(self) -> float:
        return self.amount * self.rate


@dataclass(frozen=True)
class ShownValue:
    """A variable the author wants the trainee to see in the debrief, such as anger or
    trust, hidden while playing: where it ended, and where it started."""

    id: str
    label: str
    value: Any
    start: Any


@dataclass(frozen=True)
class SessionResult:
    ending: str
    ending_title: str
    ending_text: str
    ending_kind: str
    satisfaction: float
    cost: float
    breakdown: ScoreBreakdown
    decisions: tuple[DecisionRecord, ...]
    cost_parts: tuple[CostPart, ...] = ()
    shown_values: tuple[ShownValue, ...] = ()

    @property
    def score(self) -> int:
        return self.breakdown.score

    @property
    def grade(self) -> str:
        return self.breakdown.grade_label

    @property
    def passed(self) -> bool:
        return self.breakdown.passed

    @property
    def path(self) -> list[str]:
        return [decision.choice or "timeout" for decision in self.decisions]


@dataclass(slots=True)
class SessionState:
    """Everything that changes while playing. Plain data only."""

    seed: int
    rng: int
    node: str
    status: Status
    values: dict[str, Any]
    visits: dict[str, int] = field(default_factory=dict)
    chosen: set[str] = field(default_factory=set)
    moods: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    timer_left: float | None = None
    elapsed: float = 0.0
    decision_started: float = 0.0
    decisions: list[DecisionRecord] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    stuck_reason: str = ""
    episode: str | None = None
    # The meters as far as their changes are charged to decisions: what they have moved
    # since is charged to the latest decision when the next one is made or the play ends.
    charged: tuple[float, float] | None = None
    # Explored by the analysis: random branches wait for the caller to resolve them, and
    # no history (decisions, lines) is kept, since only where the play can go matters.
    exploring: bool = False
    # Decisions taken back in practice (see engine/rewind.py): a record of the play, and
    # what tells a decision's xAPI statement from the one it replaced.
    rewinds: int = 0
    # A play that counts: its decisions cannot be taken back, whoever resumes it.
    assessed: bool = False


_new_state = SessionState.__new__


class Session:
    __slots__ = ("_offer", "_plan", "_plans", "scenario", "state")

    def __init__(self, scenario: PlayableScenario, state: SessionState) -> None:
        self.scenario = scenario
        self.state = state
        self._plan: ScenarioPlan = plan_for(scenario)
        self._plans = self._plan.nodes
        self._offer: ChoiceOffer | None = None  # the current step's choices, worked out once

    # ------------------------------------------------------------ starting

    @classmethod
    def start(cls, scenario: PlayableScenario, seed: int = 0, exploring: bool = False) -> Session:
        model = scenario.model
        plan = plan_for(scenario)
        state = SessionState(
            seed=seed,
            rng=SplitMix64.seeded(seed),
            node=model.start,
            status=_WAITING_FOR_CHOICE,
            # copy() rather than dict(): a read-only view copies its dict ten times faster
            values=plan.start_values.copy(),
            moods=plan.start_moods.copy(),
            exploring=exploring,
        )
        session = cls(scenario, state)
        session._enter(model.start)
        return session

    # ------------------------------------------------------------ reading

    @property
    def status(self) -> Status:
        return self.state.status

    @property
    def node(self) -> Node:
        return self.scenario.model.nodes[self.state.node]

    @property
    def satisfaction(self) -> float:
        return self.state.values["satisfaction"]

    @property
    def cost(self) -> float:
        return self.state.values["cost"]

    @property
    def events(self) -> list[Event]:
        return self.state.events

    @property
    def decisions(self) -> list[DecisionRecord]:
        return self.state.decisions

    @property
    def lines(self) -> list[LineView]:
        """The lines of the current step that the trainee sees."""
        shown = set(self.state.lines)
        characters = self.scenario.characters
        views = []
        for line in self._plans[self.state.node].lines:
            if line.key in shown:
                character = characters.get(line.speaker or "")
                views.append(
                    LineView(
                        line.key,
                        line.speaker,
                        character.name if character else None,
                        line.mood,
                        self.text_now(line.text),
                    )
                )
        return views

    @property
    def choices(self) -> tuple[ChoiceView, ...]:
        """The choices shown to the trainee, numbered as shown (hidden ones left out)."""
        return self._current_offer().views

    @property
    def available_choices(self) -> tuple[str, ...]:
        """The ids of the shown choices that can be picked now."""
        offer = self._offer  # a host asks at every step: the common case in line
        if offer is not None and self.state.status is _WAITING_FOR_CHOICE:
            return offer.available
        return self._current_offer().available

    def _current_offer(self) -> ChoiceOffer:
        if self.state.status is not _WAITING_FOR_CHOICE:
            return _NO_OFFER
        if self._offer is None:
            self._offer = self._plans[self.state.node].offer(self.state)
        return self._offer

    def choice_by_number(self, number: int) -> ChoiceView | None:
        views = self.choices
        return views[number - 1] if 1 <= number <= len(views) else None

    @property
    def clock(self) -> ClockView | None:
        clock = self.scenario.model.clock
        if clock is None:
            return None
        day = self.state.values["day"]
        names = clock.day_names or []
        name = names[(day - 1) % len(names)] if names else f"Day {day}"
        return ClockView(day, self.state.values["time"], name)

    @property
    def timer(self) -> tuple[float, float] | None:
        """(seconds left, seconds in all) while a timed choice is waiting."""
        if self.state.timer_left is None or self.node.timer is None:
            return None
        return self.state.timer_left, self.node.timer.seconds

    def value(self, name: str) -> Any:
        return self.state.values[name]

    def text_now(self, text: VariableText) -> str:
        """A text as the play stands now: of its variants, the first whose condition holds
        (none may), with the play's values written into it."""
        if not isinstance(text, str):
            conditions = self.scenario.conditions
            for variant in text:
                if variant.if_ is None or conditions[variant.if_](self.state):
                    text = variant.text
                    break
            else:
                return ""
        plan = self._plan
        return fill(text, self.state.values, plan.day_names, plan.decimal_point)

    # ------------------------------------------------------------ acting

    def choose(self, choice: str) -> None:
        """Pick an available choice of the current step by its id."""
        state = self.state
        if state.status is not _WAITING_FOR_CHOICE:
            raise SessionError(f"no choice is waiting (status: {state.status.value})")
        if choice in self._current_offer().available:
            self._decide(self._plans[state.node].by_id[choice])
            return
        if choice in self.scenario.choice_ids[state.node]:
            raise SessionError(f"choice '{choice}' is not available now")
        raise SessionError(f"node '{state.node}' has no choice '{choice}'")

    def continue_(self) -> None:
        """Move past a step that only shows lines."""
        state = self.state
        if state.status is not _WAITING_FOR_CONTINUE:
            raise SessionError(f"nothing to continue (status: {state.status.value})")
        target = self._plans[state.node].node.next
        assert target is not None
        self._enter(target)

    @property
    def chances(self) -> list[tuple[str, float]]:
        """While waiting for chance: each random branch's target and probability."""
        if self.state.status is not Status.WAITING_FOR_CHANCE or self.node.random is None:
            return []
        weights = self._plans[self.state.node].weights
        total = sum(weights)
        return [
            (option.next, weight / total)
            for option, weight in zip(self.node.random, weights, strict=True)
        ]

    def resolve_chance(self, index: int) -> None:
        """Take random branch ``index`` (analysis only: normal play rolls the seeded dice)."""
        if self.state.status is not Status.WAITING_FOR_CHANCE or self.node.random is None:
            raise SessionError("no random branch is waiting")
        self._enter(self._take_random(self._plans[self.state.node], index))

    def roll_chance(self) -> None:
        """Take the waiting random branch as normal play would, with the session's seeded
        dice: an explored play that keeps no history, yet meets the same luck as a
        trainee playing with the same seed."""
        if self.state.status is not Status.WAITING_FOR_CHANCE or self.node.random is None:
            raise SessionError("no random branch is waiting")
        self.resolve_chance(self._roll_dice(self._plans[self.state.node].weights))

    def fork(self, exploring: bool | None = None, keep_events: bool = False) -> Session:
        """An independent copy, cheap enough for searching many futures; an exploring
        copy starts with no decisions, as it keeps none."""
        state = self.state
        explores = state.exploring if exploring is None else exploring
        # Field by field rather than through __init__, which is a third slower: a search
        # makes hundreds of thousands of these.
        copy = _new_state(SessionState)
        copy.seed = state.seed
        copy.rng = state.rng
        copy.node = state.node
        copy.status = state.status
        copy.values = state.values.copy()
        copy.visits = state.visits.copy()
        copy.chosen = state.chosen.copy()
        copy.moods = state.moods.copy()
        copy.lines = [] if explores else state.lines.copy()  # an explored play shows none
        copy.timer_left = state.timer_left
        copy.elapsed = state.elapsed
        copy.decision_started = state.decision_started
        copy.decisions = [] if explores else state.decisions.copy()
        copy.events = state.events.copy() if keep_events else []
        copy.stuck_reason = state.stuck_reason
        copy.episode = state.episode
        copy.charged = state.charged
        copy.exploring = explores
        copy.rewinds = state.rewinds
        copy.assessed = state.assessed
        forked = Session.__new__(Session)
        forked.scenario = self.scenario
        forked.state = copy
        forked._plan = self._plan
        forked._plans = self._plans
        forked._offer = self._offer  # the same step, so the same choices (they are immutable)
        return forked

    def tick(self, seconds: float) -> None:
        """Let real time pass: times decisions, and runs out timed choices."""
        if seconds <= 0 or self.state.status in (Status.ENDED, Status.STUCK):
            return
        self.state.elapsed += seconds
        if self.state.timer_left is None:
            return
        self.state.timer_left -= seconds
        if self.state.timer_left <= 0:
            self._time_out()

    def result(self) -> SessionResult | None:
        """The outcome, once the session has reached an ending."""
        if self.state.status is not Status.ENDED:
            return None
        ending = self.node.ending
        assert ending is not None
        satisfaction, cost = self.satisfaction, self.cost
        decisions = tuple(self.state.decisions)
        critical = tuple(d.critical for d in decisions if d.critical is not None)
        model, values = self.scenario.model, self.state.values
        start = self._plan.start_values
        return SessionResult(
            ending=self.state.node,
            ending_title=ending.title,
            ending_text=self.text_now(ending.text),
            ending_kind=ending.kind.value,
            satisfaction=satisfaction,
            cost=cost,
            breakdown=score_outcome(
                self.scenario.model.scoring,
                satisfaction,
                cost,
                ending.kind.value,
                critical,
                self.state.values.get(CRITICAL, 0),  # counted even where no decision is kept
            ),
            decisions=decisions,
            cost_parts=tuple(
                CostPart(name, part.label, part.unit, values[name], part.rate)
                for name, part in model.meters.cost.components.items()
            ),
            shown_values=tuple(
                ShownValue(
                    name, variable.label or name.replace("_", " "), values[name], start[name]
                )
                for name, variable in model.variables.items()
                if variable.debrief and name in values
            ),
        )

    # ------------------------------------------------------------ inside

    def _decide(self, plan: ChoicePlan) -> None:
        state = self.state
        values = state.values
        # An explored play keeps no history, so it needs nothing from before the choice.
        before = None if state.exploring else (values["satisfaction"], values["cost"])
        for effect in plan.effects:
            effect(state)
        if plan.critical:
            values[CRITICAL] += 1
        key, choice = plan.id, plan.choice
        state.chosen.add(key)
        if before is not None:
            after = (values["satisfaction"], values["cost"])
            feedback = plan.feedback
            self._record(
                key,
                choice.text,
                plan.tags,
                choice.lesson,
                self.text_now(choice.feedback) if feedback is None else feedback,
                before,
                after,
                choice.critical,
            )
            state.events.append(
                ChoiceMade(
                    state.node,
                    key,
                    choice.text,
                    after[0] - before[0],
                    after[1] - before[1],
                    after[0],
                    after[1],
                )
            )
        self._enter(choice.next)

    def _time_out(self) -> None:
        state = self.state
        timer = self.node.timer
        assert timer is not None
        before = None if state.exploring else (state.values["satisfaction"], state.values["cost"])
        for effect in self._plans[state.node].timer_effects:
            effect(state)
        if before is not None:
            after = (state.values["satisfaction"], state.values["cost"])
            self._record(
                None,
                "(no answer in time)",
                ("timeout",),
                timer.lesson,
                self.text_now(timer.feedback),
                before,
                after,
            )
            state.events.append(
                TimerExpired(
                    state.node, after[0] - before[0], after[1] - before[1], after[0], after[1]
                )
            )
        self._enter(timer.next)

    def _record(
        self,
        key: str | None,
        text: str,
        tags: tuple[str, ...],
        lesson: str | None,
        feedback: str,
        before: tuple[float, float],
        after: tuple[float, float],
        critical: str | None = None,
    ) -> None:
        """Keep a decision that moved the meters from ``before`` to ``after``; what they
        moved since the last charge, up to ``before``, is the latest decision's."""
        state = self.state
        values = state.values
        self._charge_latest(before)
        state.charged = after
        state.decisions.append(
            DecisionRecord(  # by position: keywords make it a third slower to build
                state.node,  # node
                key,  # choice
                text,
                tags,
                lesson,
                feedback,
                before[0],  # satisfaction_before
                after[0],  # satisfaction_after
                before[1],  # cost_before
                after[1],  # cost_after
                state.elapsed - state.decision_started,  # seconds_to_decide
                values.get("day"),
                values.get("time"),
                critical,
            )
        )

    def _charge_latest(self, meters: tuple[float, float]) -> None:
        """Charge what the meters moved since the last charge to the latest decision."""
        state = self.state
        charged = state.charged
        if charged is None or not state.decisions:
            return
        state.decisions[-1] = state.decisions[-1].with_consequence(
            meters[0] - charged[0], meters[1] - charged[1]
        )
        state.charged = meters

    def _charge_to_earlier(self, choices: frozenset[str], before: tuple[float, float]) -> None:
        """A node's effects that the author charged to an earlier choice: to the latest
        decision that made one of them, if any did (else they stay with the latest)."""
        state = self.state
        values = state.values
        moved = (values["satisfaction"] - before[0], values["cost"] - before[1])
        decisions = state.decisions
        for index in range(len(decisions) - 2, -1, -1):
            if decisions[index].choice in choices:
                decisions[index] = decisions[index].with_consequence(*moved)
                assert state.charged is not None
                state.charged = (state.charged[0] + moved[0], state.charged[1] + moved[1])
                return

    def _enter(self, node_id: str) -> None:
        """Enter a node, then take every automatic step after it (branches, moves on,
        fallbacks) until the session waits, ends or sticks. The analysis runs this loop
        hundreds of thousands of times, and a trainee's play once or more a choice, so
        what a node does is looked up once, in its plan, and the common steps (lines
        shown, a choice waited for) are taken here rather than in further calls."""
        state = self.state
        plans = self._plans
        visits = state.visits
        exploring = state.exploring
        events = state.events
        state.timer_left = None
        self._offer = None
        for _ in range(MAX_AUTOMATIC_STEPS):
            plan = plans[node_id]
            condition = plan.condition
            if condition is not None and not condition(state):
                passed_by = plan.passed_by
                assert passed_by is not None  # the validator asks for 'otherwise' beside 'if'
                if not exploring:
                    events.append(passed_by)
                node_id = passed_by.target
                continue
            state.node = node_id
            visits[node_id] = visits.get(node_id, 0) + 1
            if not exploring:
                events.append(plan.entered)
            if plan.episode is not None and plan.episode != state.episode:
                self._start_episode(plan.episode, plan.episode_clock)
            if plan.consequence_of and not exploring and state.decisions:
                before = (state.values["satisfaction"], state.values["cost"])
                for effect in plan.effects:
                    effect(state)
                self._charge_to_earlier(plan.consequence_of, before)
            else:
                for effect in plan.effects:
                    effect(state)
            if not exploring:  # an explored play's lines stay empty
                # The lines whose condition holds, each as it reads now; a speaker keeps
                # a mood until a line of theirs sets another.
                shown: list[str] = []
                state.lines = shown
                moods = state.moods
                for key, speaker, mood, remembers, line_if, event, text in plan.lines:
                    if line_if is not None and not line_if(state):
                        continue
                    shown.append(key)
                    if speaker is not None:
                        if mood is None:
                            mood = moods.get(speaker)
                        elif remembers:
                            moods[speaker] = mood
                    if event is None:  # its text or its mood depends on the play
                        event = LineShown(node_id, key, speaker, mood, self.text_now(text))
                    events.append(event)
            step = plan.step
            target: str | None
            if step == WAITS:
                offer = self._offer = plan.offer(state)
                if offer.available and plan.node.timer is None:  # the common case, in line
                    state.status = _WAITING_FOR_CHOICE
                    state.decision_started = state.elapsed
                    return
                target = self._wait_for_choice(plan, offer)
            elif step == BRANCHES:
                for condition, to, effects, taken in plan.branches:
                    if condition is None or condition(state):
                        target = to
                        for effect in effects:
                            effect(state)
                        if not exploring:
                            events.append(taken)
                        break
                else:
                    self._stick("no branch condition held")
                    return
            elif step == ENDS:
                state.status = _ENDED
                if not exploring:
                    self._charge_latest((state.values["satisfaction"], state.values["cost"]))
                    assert plan.ended is not None
                    events.append(plan.ended)
                return
            elif step == CONTINUES:
                if state.lines:
                    state.status = _WAITING_FOR_CONTINUE
                    return
                target = plan.node.next
            else:
                target = self._roll(plan)
            if target is None:
                return
            node_id = target
        self._stick(f"more than {MAX_AUTOMATIC_STEPS} automatic steps without a decision")

    def _roll(self, plan: NodePlan) -> str | None:
        """A random branch: rolled with the session's seeded dice, or, while exploring,
        left waiting for the analysis to take each branch in turn."""
        if self.state.exploring:
            self.state.status = Status.WAITING_FOR_CHANCE
            return None
        return self._take_random(plan, self._roll_dice(plan.weights))

    def _take_random(self, plan: NodePlan, index: int) -> str:
        """Take a node's random branch ``index``, rolled or chosen: its event (in a play
        that keeps one), then its effects; where it leads."""
        state = self.state
        taken = plan.rolled[index]
        if not state.exploring:
            state.events.append(taken)
        for effect in plan.random_effects[index]:
            effect(state)
        return taken.target

    def _roll_dice(self, weights: tuple[float, ...]) -> int:
        """Which random branch the session's seeded dice pick, by weight (the plan's,
        which are finite, so no branch is made impossible by an infinite sum)."""
        state = self.state
        dice = SplitMix64(state.rng)
        roll = dice.next_float() * sum(weights)
        state.rng = dice.state
        for index, weight in enumerate(weights):
            roll -= weight
            if roll < 0:
                return index
        return len(weights) - 1

    def _wait_for_choice(self, plan: NodePlan, offer: ChoiceOffer) -> str | None:
        """A node that asks for a choice, when it is timed or none of its choices can be
        picked: the session waits (the timer running), falls back, or sticks."""
        state = self.state
        node = plan.node
        timer = node.timer
        timed = timer is not None and (
            plan.timer_condition is None or bool(plan.timer_condition(state))
        )
        if not offer.available:
            if node.fallback is not None:
                if not state.exploring:
                    state.events.append(FallbackTaken(plan.id, node.fallback))
                return node.fallback
            if not timed:
                self._stick("no choice is available and there is no fallback")
                return None
        state.status = _WAITING_FOR_CHOICE
        state.decision_started = state.elapsed
        if timed:
            assert timer is not None
            state.timer_left = timer.seconds
        return None

    def _stick(self, reason: str) -> None:
        self.state.status = Status.STUCK
        self.state.stuck_reason = reason
        if not self.state.exploring:
            self.state.events.append(SessionStuck(self.state.node, reason))

    def _start_episode(self, episode_id: str, clock: tuple[int | None, int | None]) -> None:
        state = self.state
        state.episode = episode_id
        values = state.values
        day, time = clock
        if day is not None:
            values["day"] = day
        if time is not None:
            values["time"] = time
        if not state.exploring:
            episode = self.scenario.model.episodes[episode_id]
            state.events.append(
                EpisodeStarted(
                    episode_id, episode.title, episode.intro, values.get("day"), values.get("time")
                )
            )

    # ------------------------------------------------------------ saving

    def snapshot(self) -> dict[str, Any]:
        """The whole session as JSON-ready data."""
        state = self.state
        return {
            "save_format": SAVE_FORMAT,
            "scenario": self.scenario.id,
            "scenario_hash": self.scenario.content_hash,
            "seed": state.seed,
            "rng": state.rng,
            "node": state.node,
            "status": state.status.value,
            "values": dict(state.values),
            "visits": dict(state.visits),
            "chosen": sorted(state.chosen),
            "moods": dict(state.moods),
            "lines": list(state.lines),
            "timer_left": state.timer_left,
            "elapsed": state.elapsed,
            "decision_started": state.decision_started,
            "stuck_reason": state.stuck_reason,
            "episode": state.episode,
            "charged": list(state.charged) if state.charged is not None else None,
            "exploring": state.exploring,
            "rewinds": state.rewinds,
            "assessed": state.assessed,
            "decisions": [_decision_to_dict(d) for d in state.decisions],
            "events": [event_to_dict(event) for event in state.events],
        }

    @classmethod
    def restore(cls, scenario: PlayableScenario, data: dict[str, Any]) -> Session:
        """Rebuild a session from ``snapshot()`` data, refusing saves that do not fit."""
        try:
            version = data["save_format"]
            if not MIN_SAVE_FORMAT <= version <= SAVE_FORMAT:
                raise SnapshotError(
                    f"save format {version} is not supported (this simulator "
                    f"reads {MIN_SAVE_FORMAT} to {SAVE_FORMAT})"
                )
            if data["scenario"] != scenario.id:
                raise SnapshotError(
                    f"the save is of scenario '{data['scenario']}', not '{scenario.id}'"
                )
            if data["scenario_hash"] != scenario.content_hash:
                raise SnapshotError("the scenario has changed since this save was made")
            if data["node"] not in scenario.model.nodes:
                raise SnapshotError(f"the save stands at unknown node '{data['node']}'")
            state = SessionState(
                seed=int(data["seed"]),
                rng=int(data["rng"]),
                node=data["node"],
                status=Status(data["status"]),
                values=dict(data["values"]),
                visits={str(k): int(v) for k, v in data["visits"].items()},
                chosen=set(data["chosen"]),
                moods=dict(data["moods"]),
                lines=list(data["lines"]),
                timer_left=data["timer_left"],
                elapsed=float(data["elapsed"]),
                decision_started=float(data["decision_started"]),
                decisions=[_decision_from_dict(d) for d in data["decisions"]],
                events=[event_from_dict(e) for e in data["events"]],
                stuck_reason=str(data.get("stuck_reason", "")),
                episode=data.get("episode"),
                charged=_charged_from(data),
                exploring=bool(data.get("exploring", False)),
                rewinds=int(data.get("rewinds", 0)),
                assessed=bool(data.get("assessed", False)),
            )
        except SnapshotError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise SnapshotError(f"the save is damaged ({type(error).__name__}: {error})") from None
        return cls(scenario, state)


def _charged_from(data: dict[str, Any]) -> tuple[float, float] | None:
    """The charge mark of a save; a save made before marks were kept stands at its last
    decision."""
    charged = data.get("charged")
    if charged is not None:
        return float(charged[0]), float(charged[1])
    decisions = data["decisions"]
    if not decisions:
        return None
    return float(decisions[-1]["satisfaction_after"]), float(decisions[-1]["cost_after"])


def _decision_to_dict(decision: DecisionRecord) -> dict[str, Any]:
    data = asdict(decision)
    data["tags"] = list(decision.tags)
    return data


def _decision_from_dict(data: dict[str, Any]) -> DecisionRecord:
    return DecisionRecord(**{**data, "tags": tuple(data["tags"])})
