"""A readable text account of a session, built from its events and result.

Every command prints through ``terminal_text``, so this module imports only what that
needs when it loads; the engine and the interface's words load when a play is described.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.scenario.diagnostics import CONTROLS, printable

if TYPE_CHECKING:  # the analysis loads only when a play has ended
    from simulator.analysis.review import DecisionReview
    from simulator.engine.events import ChoiceMade, EpisodeStarted, Event, TimerExpired
    from simulator.engine.session import ChoiceView, Session, SessionResult
    from simulator.wording import Wording


# What a terminal would act on rather than show: C0 controls but newline and tab (ESC
# starts colour, title and cursor sequences; CR and backspace overwrite what is shown),
# DEL, C1 controls (0x9b is a one-byte ESC [), and the bidirectional overrides that make
# text read differently from what it is.
def terminal_text(text: str) -> str:
    """Text from a scenario or a store, safe to print: every control character shown as an
    escape such as \\x1b instead of being obeyed by the terminal."""
    return printable(text, lines=True)


def terminal_json(text: str) -> str:
    """JSON text with the control characters that json.dumps leaves raw (DEL, C1, the
    bidirectional overrides) written as \\u escapes: the same JSON, safe to print."""
    return CONTROLS.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def format_cost(session: Session, value: float) -> str:
    return f"{_words(session).amount(value)} {session.scenario.model.meters.cost.short_unit}"


def clock_text(day: int | None, time: int | None, session: Session) -> str:
    if day is None or time is None:
        return ""
    clock = session.scenario.model.clock
    names = (clock.day_names if clock else None) or []
    name = names[(day - 1) % len(names)] if names else _words(session)("run.day", day=day)
    return f"{name} {time // 60:02d}:{time % 60:02d}"


def episode_title(event: EpisodeStarted, session: Session) -> tuple[str, str]:
    """(when, title) for an episode's heading; the title is left out when the clock says it
    already (an episode called "Monday" that starts on Monday)."""
    when = clock_text(event.day, event.time, session)
    title = "" if when and event.title.strip().lower() in when.lower() else event.title
    return when, title


def _words(session: Session) -> Wording:
    """The interface's words in the play's language (a translated scenario's language)."""
    from simulator.wording import wording

    return wording(session.scenario.model.language)


def describe_event(event: Event, session: Session) -> list[str]:
    from simulator.engine.events import (
        BranchTaken,
        ChoiceMade,
        EpisodeStarted,
        FallbackTaken,
        LineShown,
        SessionStuck,
        TimerExpired,
    )

    characters = session.scenario.characters
    words = _words(session)
    if isinstance(event, EpisodeStarted):
        when, title = episode_title(event, session)
        heading = f"== {' · '.join(part for part in (title, when) if part)} =="
        return ["", heading, *([event.intro] if event.intro else [])]
    if isinstance(event, LineShown):
        if event.speaker is None:
            return [f"  {event.text}"]
        name = characters[event.speaker].name if event.speaker in characters else event.speaker
        labels = session.scenario.mood_labels
        mood = f" ({labels.get(event.mood, event.mood)})" if event.mood else ""
        return [f"  {name}{mood}: {event.text}"]
    if isinstance(event, ChoiceMade):
        said = words("play.you", text=event.text)
        return [f"  > {said}", f"    {_deltas(event, session)}"]
    if isinstance(event, TimerExpired):
        return [f"  > {words('play.time_up')}", f"    {_deltas(event, session)}"]
    if isinstance(event, (BranchTaken, FallbackTaken)):
        return []
    if isinstance(event, SessionStuck):
        stuck = words("run.stuck", node=event.node, reason=event.reason)
        return [f"  !! {stuck}"]
    return []


def _deltas(event: ChoiceMade | TimerExpired, session: Session) -> str:
    words = _words(session)
    return (
        "["
        + words(
            "run.deltas_after",
            satisfaction=words.amount(event.satisfaction_delta, signed=True),
            satisfaction_now=words.amount(event.satisfaction),
            cost=words.amount(event.cost_delta, signed=True),
            cost_now=format_cost(session, event.cost),
        )
        + "]"
    )


def describe_choices(choices: list[ChoiceView]) -> list[str]:
    lines = []
    for view in choices:
        suffix = "" if view.available else f"   ({view.reason})"
        lines.append(f"    {view.number}) {view.text}{suffix}")
    return lines


def cost_part_lines(result: SessionResult, session: Session) -> list[str]:
    """What the cost is made of, a line per part: the debrief's and the run's."""
    words = _words(session)
    lines = []
    for part in result.cost_parts:
        cost = format_cost(session, part.cost)
        if part.rate == 1 and not part.unit:  # a part kept in the cost's own money
            lines.append(words("debrief.cost_part_plain", label=part.label, cost=cost))
            continue
        amount = words.amount(part.amount) + (f"\u00a0{part.unit}" if part.unit else "")
        rate = format_cost(session, part.rate)
        lines.append(
            words("debrief.cost_part", label=part.label, amount=amount, rate=rate, cost=cost)
        )
    return lines


def shown_value_lines(result: SessionResult, session: Session) -> list[str]:
    """The values the author shows in the debrief, a line each, with where they started."""
    words = _words(session)

    def written(value: Any) -> str:
        if isinstance(value, bool):
            return words("debrief.yes" if value else "debrief.no")
        if isinstance(value, (int, float)):
            return words.amount(value)
        return str(value).replace("-", " ")

    return [
        words(
            "debrief.shown_value",
            label=shown.label,
            value=written(shown.value),
            start=written(shown.start),
        )
        for shown in result.shown_values
    ]


def detail_sections(result: SessionResult, session: Session) -> list[tuple[str, list[str]]]:
    """The debrief's sections between the score and the decisions, as (heading's wording
    key, lines), those with nothing to say left out: the game's and the run's."""
    sections = [
        ("debrief.cost_parts", cost_part_lines(result, session)),
        ("debrief.shown_values", shown_value_lines(result, session)),
    ]
    return [(heading, lines) for heading, lines in sections if lines]


def describe_result(
    result: SessionResult, session: Session, counted: Callable[[int], None] | None = None
) -> list[str]:
    """The ending, the score and each decision reviewed; ``counted`` is told how far the
    review's search has got (see ``reviewed``)."""
    breakdown = result.breakdown
    unit = session.scenario.model.meters.cost.short_unit
    words = _words(session)
    verdict = words("debrief.passed" if result.passed else "debrief.not_passed")
    lines = [
        "",
        words("run.ending", title=result.ending_title),
        *([f"  {result.ending_text}"] if result.ending_text else []),
        "",
        words(
            "run.score",
            score=result.score,
            grade=result.grade,
            verdict=verdict,
            mark=words.number(breakdown.pass_mark),
        ),
        *(f"  {line}" for line in breakdown.explain(words, unit)),
    ]
    for heading, details in detail_sections(result, session):
        lines.extend(["", words(heading) + ":", *(f"  {line}" for line in details)])
    lines.extend(["", words("debrief.your_decisions") + ":"])
    lessons = session.scenario.model.lessons
    for number, review in enumerate(reviewed(session, result, counted), start=1):
        decision = review.decision
        verdict = f"  ({words('debrief.verdict.' + review.verdict)})" if review.verdict else ""
        deltas = words(
            "debrief.deltas",
            satisfaction=words.amount(decision.satisfaction_delta, signed=True),
            cost=words.amount(decision.cost_delta, signed=True),
        )
        lines.append(f"  {number}. {decision.text}  [{deltas}]{verdict}")
        if decision.critical:
            lines.append(f"     {words('score.critical', reason=decision.critical)}")
        if decision.feedback:
            lines.append(f"     {decision.feedback}")
        if decision.lesson and decision.lesson in lessons:
            lesson = words("debrief.lesson", title=lessons[decision.lesson].title)
            lines.append(f"     {lesson}")
        if review.better_text:
            lines.append(f"     {words('debrief.better', text=review.better_text)}")
            if review.better_feedback:
                lines.append(f"       {review.better_feedback}")
    return lines


def result_json(
    session: Session, numbers: list[int | str], counted: Callable[[int], None] | None = None
) -> dict[str, Any]:
    result = session.result()
    data: dict[str, Any] = {
        "scenario": session.scenario.id,
        "seed": session.state.seed,
        "status": session.status.value,
        "node": session.state.node,
        "satisfaction": session.satisfaction,
        "cost": session.cost,
        "path": [d.choice or "timeout" for d in session.decisions],
        "numbers": numbers,
        "ending": None,
        "score": None,
        "grade": None,
        "passed": None,
    }
    if result is not None:
        breakdown = result.breakdown
        lessons = session.scenario.model.lessons
        data.update(
            {
                "ending": result.ending,
                "ending_title": result.ending_title,
                "ending_kind": result.ending_kind,
                "score": result.score,
                "grade": result.grade,
                "passed": result.passed,
                "breakdown": {
                    "satisfaction_points": round(breakdown.satisfaction_points, 2),
                    "cost_points": round(breakdown.cost_points, 2),
                    "satisfaction_gap": breakdown.satisfaction_gap,
                    "cost_gap": breakdown.cost_gap,
                    "target": {
                        "satisfaction": breakdown.target_satisfaction,
                        "cost": breakdown.target_cost,
                    },
                    "cost_limit": breakdown.cost_limit,
                    "pass_mark": breakdown.pass_mark,
                    "balance": round(breakdown.balance, 2),
                    "band": [breakdown.band_low, breakdown.band_high],
                    "critical": list(breakdown.critical),
                },
                "cost_parts": [
                    {
                        "id": part.id,
                        "label": part.label,
                        "unit": part.unit,
                        "amount": part.amount,
                        "rate": part.rate,
                        "cost": part.cost,
                    }
                    for part in result.cost_parts
                ],
                "values": {
                    shown.id: {"label": shown.label, "value": shown.value, "start": shown.start}
                    for shown in result.shown_values
                },
                "decisions": [
                    _decision_json(review, lessons) for review in reviewed(session, result, counted)
                ],
            }
        )
    return data


def reviewed(
    session: Session, result: SessionResult, counted: Callable[[int], None] | None = None
) -> list[DecisionReview]:
    """The play's decisions, each weighed against the options it had (see review.py); the
    weighing searches the scenario, and ``counted`` is told the states searched as it
    goes."""
    from simulator.analysis.review import review_decisions

    return review_decisions(session.scenario, session.state.seed, result.decisions, counted=counted)


def _decision_json(review: DecisionReview, lessons: dict[str, Any]) -> dict[str, Any]:
    """One decision as the debrief shows it: what it caused, what it taught, what would
    have done better and why."""
    d = review.decision
    better = None
    if review.better_choice is not None:
        lesson = review.better_lesson
        better = {
            "choice": review.better_choice,
            "text": review.better_text,
            "feedback": review.better_feedback,
            "lesson": lesson,
            "lesson_title": lessons[lesson].title if lesson in lessons else None,
        }
    return {
        "node": d.node,
        "choice": d.choice,
        "text": d.text,
        "tags": list(d.tags),
        "lesson": d.lesson,
        "lesson_title": lessons[d.lesson].title if d.lesson in lessons else None,
        "satisfaction_delta": d.satisfaction_delta,
        "cost_delta": d.cost_delta,
        "feedback": d.feedback,
        "critical": d.critical,
        "verdict": review.verdict,
        "better": better,
    }


def _path_line(label: str, path: Any) -> str:
    seed = " --seed ?" if path.seed is None else f" --seed {path.seed}"
    replay = f"{path.choices_argument}{seed}".lstrip()
    choices = " > ".join(path.choices) or "before any decision"
    return f"  {label} {path.score:g}: {replay}   ({choices})"


def describe_analysis(analysis: Any) -> list[str]:
    """The analysis as a trainer reads it."""
    stats = analysis.statistics
    lines = [
        f"{analysis.title} ({analysis.scenario})",
        f"  {stats['nodes']} nodes, {stats['decisions']} decision points, {stats['choices']} "
        f"choices, {stats['endings']} endings, {stats['words']} words",
        "",
        f"Method: {analysis.method}"
        + (
            f" ({analysis.states} distinct states)"
            if analysis.method == "exhaustive"
            else f" ({analysis.walks} seeded walks: "
            f"{analysis.why_sampled or 'the state space was too large to search'})"
        ),
        "",
        "Endings:",
    ]
    for ending_id, meta in analysis.endings.items():
        exhaustive = analysis.method == "exhaustive"
        mark = (
            "reached"
            if meta["reached"]
            else ("NEVER REACHED" if exhaustive else "not met by the random plays")
        )
        lines.append(f"  {ending_id:<24} {meta['kind']:<20} {mark}  {meta['title']}")
    if analysis.unreachable_nodes:
        lines += [
            "",
            "Nodes no play reaches (their conditions never hold):",
            "  " + ", ".join(analysis.unreachable_nodes),
        ]
    if analysis.unoffered_choices:
        lines += [
            "",
            "Choices no play can pick (their conditions never hold):",
            "  " + ", ".join(analysis.unoffered_choices),
        ]
    if analysis.stuck:
        lines += ["", "Runs that cannot end:"]
        lines += [f"  at '{node}': {reason}" for node, reason in analysis.stuck.items()]
    low, high = analysis.score_range
    lines += [
        "",
        f"Score range: {low:g} to {high:g}",
        _path_line("best ", analysis.best),
        _path_line("worst", analysis.worst),
    ]
    expected = analysis.best_expected
    if expected is not None and math.isfinite(expected) and expected != high:
        lines.append(f"  best expected score with random branches averaged: {expected:.1f}")
    lines += ["", "One play to each ending (replay with: run ID --choices ... --seed N):"]
    width = max((len(ending) for ending in analysis.ending_paths), default=0)
    for ending, path in analysis.ending_paths.items():
        lines.append(_path_line(f"{ending:<{width}}", path))
    if any(path.seed is None for path in analysis.ending_paths.values()):
        lines.append("  (--seed ?: no seed in the first few thousand takes its random branches)")
    lines += ["", "Balance (the outcomes no other beats on both satisfaction and cost):"]
    for outcome in analysis.pareto:
        lines.append(
            f"  satisfaction {outcome.satisfaction:>5g}  cost {outcome.cost:>6g}  "
            f"score {outcome.score:>3}  {outcome.ending}"
        )
    lines += [
        "",
        "Policies (mean score; where its tag is not offered, a tag policy picks any offered",
        "choice, each as likely):",
    ]
    for name, mean in analysis.policies.items():
        label = "random play" if name == "random" else f"always '{name}'"
        lines.append(f"  {label:<28} {mean:6.1f}")
    lines += ["", "Content-blind play (never reads the words; each must fail):"]
    for name, mean in analysis.blind_policies.items():
        lines.append(f"  {'always the ' + name:<28} {mean:6.1f}")
    return lines
