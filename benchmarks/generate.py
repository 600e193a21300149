"""Generate large synthetic scenarios for benchmarks.

The output is a valid format-1 scenario that looks like a real one, only much
longer: mostly decision nodes with two to four choices (text, feedback, tags,
effects, some conditions and once-only choices), lines with speakers and
moods, some branch, random and line-only nodes, several endings, declared
variables, a clock and episodes. Numbers and words are drawn from a seeded
``random.Random``, so the same ``(n_nodes, seed)`` always gives the same text.

The graph is built so that the validator has nothing to complain about: every
node lies on a chain from ``start`` (so it is reachable), every non-ending node
has an edge further along the chain (so an ending is reachable), automatic
steps (branch, random, next) only lead forward (so they cannot loop), and every
choice set keeps one unconditional choice or has a ``fallback``.

Usage::

    python benchmarks/generate.py 1000 10000 100000 --out benchmarks/generated/

or, from Python, ``generate(n_nodes, seed=0) -> str``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from simulator.scenario.components import strongly_connected

# ---------------------------------------------------------------- YAML output


class Flow:
    """Marks a mapping or list to be written on one line, ``{a: 1}`` / ``[x, y]``."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class Folded:
    """Marks a long text to be written as a folded block scalar (``>-``)."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value


_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}
_PLAIN_START = re.compile(r"[A-Za-z(]")
_FLOW_UNSAFE = re.compile(r"[,\[\]{}:#]")


def _scalar(value: Any, in_flow: bool) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    plain = (
        text
        and _PLAIN_START.match(text)
        and text.lower() not in _RESERVED
        and "\n" not in text
        and "\t" not in text
        and ": " not in text
        and " #" not in text
        and not text.endswith((" ", ":"))
        and not (in_flow and _FLOW_UNSAFE.search(text))
    )
    return text if plain else json.dumps(text, ensure_ascii=False)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k, True)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return _scalar(value, True)


def _folded(text: str, indent: int, width: int = 72) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            out.append(pad + current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        out.append(pad + current)
    return out


def _value_lines(prefix: str, value: Any, indent: int, out: list[str]) -> None:
    """Write ``prefix`` (``key:`` or ``-``) followed by ``value``."""
    if isinstance(value, Flow):
        out.append(f"{prefix} {_flow(value.value)}")
    elif isinstance(value, Folded):
        out.append(f"{prefix} >-")
        out.extend(_folded(value.value, indent + 2))
    elif isinstance(value, dict) and value:
        if prefix.endswith("-"):
            first = len(out)
            _block(value, indent + 2, out)
            out[first] = prefix + " " + out[first][indent + 2 :]
        else:
            out.append(prefix)
            _block(value, indent + 2, out)
    elif isinstance(value, list) and value:
        out.append(prefix)
        _block(value, indent + 2, out)
    elif isinstance(value, (dict, list)):
        out.append(f"{prefix} {'{}' if isinstance(value, dict) else '[]'}")
    else:
        out.append(f"{prefix} {_scalar(value, False)}")


def _block(value: dict[str, Any] | list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            _value_lines(f"{pad}{_scalar(key, False)}:", item, indent, out)
    else:
        for item in value:
            _value_lines(f"{pad}-", item, indent, out)


def plain_data(value: Any) -> Any:
    """The data a YAML parser should give back for emitted ``value``."""
    if isinstance(value, (Flow, Folded)):
        return plain_data(value.value)
    if isinstance(value, dict):
        return {k: plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain_data(v) for v in value]
    return value


# ---------------------------------------------------------------- words

TOPICS = [
    "counter",
    "phone",
    "refund",
    "returns",
    "billing",
    "delivery",
    "complaint",
    "callback",
    "chat",
    "repair",
    "exchange",
    "booking",
    "warranty",
]
PRODUCTS = [
    "parcel",
    "laptop",
    "washing machine",
    "phone contract",
    "sofa",
    "router",
    "invoice",
    "subscription",
    "train ticket",
    "hotel booking",
    "coffee machine",
    "winter coat",
    "insurance claim",
    "gift card",
    "bicycle",
    "printer",
    "mattress",
    "flight voucher",
]
PROBLEMS = [
    "arrived broken",
    "never came",
    "was charged twice",
    "stopped working after a week",
    "is not what I ordered",
    "was cancelled without notice",
    "came three days late",
    "is missing a part",
    "was sent to the wrong address",
    "has a scratch across the front",
    "keeps disconnecting",
    "was billed at the wrong price",
]
TIMES = [
    "this morning",
    "yesterday",
    "last Tuesday",
    "two weeks ago",
    "on Friday",
    "at the weekend",
    "last month",
    "an hour ago",
]
FEELINGS = [
    "fed up",
    "really disappointed",
    "at the end of my patience",
    "quite upset",
    "tired of waiting",
    "honestly a bit lost",
    "not happy at all",
    "worried",
]
DEMANDS = [
    "I want my money back",
    "I need this fixed today",
    "someone has to take responsibility",
    "I expect a replacement",
    "I want to speak to a manager",
    "just tell me what happens now",
    "I'd like some compensation",
    "I need it before the weekend",
]
NARRATION = [
    "The queue behind {name} grows longer.",
    "A phone rings somewhere in the back office.",
    "{name} taps the receipt on the counter.",
    "The screen shows the order as 'in transit'.",
    "{name} sighs and looks at the clock.",
    "The system takes a long time to load the account.",
    "A colleague glances over from the next desk.",
    "The line goes quiet for a moment.",
    "{name} pushes the box across the counter.",
    "The order history shows two earlier complaints.",
]
COLLEAGUE_LINES = [
    "(quietly) The depot says it left the warehouse {when}.",
    "We can only refund within thirty days, you know that.",
    "I can check the stock in the other branch if that helps.",
    "The courier's system is down again, by the way.",
    "Maybe offer the standard goodwill voucher?",
    "Careful, this customer has complained twice already.",
]
MANAGER_LINES = [
    "What's going on here? Can I help?",
    "I can approve a goodwill gesture up to fifty euros.",
    "Let's see what we can do for you today.",
    "I trust you to handle this; call me if you need me.",
]

# (tag, slugs, text templates) for choices, grouped by approach; slug k names template k.
APPROACHES: list[tuple[str, list[str], list[str]]] = [
    (
        "empathise",
        ["apologise", "acknowledge", "listen", "reassure"],
        [
            "I'm sorry, that's really not good enough. Let me look at it with you.",
            "I understand why you're {feeling}; that {product} should have been sorted by now.",
            "Thank you for telling me. Can you walk me through what happened {when}?",
            "That sounds frustrating. I'll stay with this until we have an answer.",
        ],
    ),
    (
        "negotiate",
        ["own-it", "offer-repair", "propose-plan", "check-options"],
        [
            "I'll call the depot now and tell you by {time} what they say.",
            "We can repair the {product} this week, or exchange it if the part isn't in stock.",
            "Here's what I can do: a replacement by {weekday}, and I'll track it myself.",
            "Let me check two options and you pick the one that suits you.",
        ],
    ),
    (
        "accommodate",
        ["refund", "voucher", "upgrade", "waive-fee"],
        [
            "I'll refund the full {amount} euros right away.",
            "Here's a {amount} euro voucher for the trouble.",
            "I'll upgrade you to express delivery at no cost.",
            "We'll waive the fee this time; you don't need to pay anything.",
        ],
    ),
    (
        "refuse",
        ["policy", "blame-courier", "deflect", "not-possible"],
        [
            "I'm afraid the policy doesn't allow that.",
            "The courier says it was delivered, so there's not much we can do.",
            "You'll have to contact the manufacturer about the {product}.",
            "That's not something I can change, sorry.",
        ],
    ),
    (
        "escalate",
        ["call-manager", "open-case", "hand-over"],
        [
            "Let me get my manager; she can decide this.",
            "I'll open a priority case so the back office looks at it today.",
            "I'm passing you to a colleague who handles {topic} issues.",
        ],
    ),
    (
        "inform",
        ["order-number", "explain-warranty", "look-up"],
        [
            "Can I have the order number? Then I can see exactly where it is.",
            "Let me explain what the warranty covers for the {product}.",
            "The system shows the {product} {problem}; let me find out why.",
        ],
    ),
]
FEEDBACK = {
    "empathise": [
        "Naming the feeling calmed things down before solving anything.",
        "Listening first gave you the details you needed.",
        "The apology was sincere, but it did not yet fix the problem.",
    ],
    "negotiate": [
        "A concrete next step with a time made the promise believable.",
        "Offering options let the customer feel in control.",
        "You took the problem on and gave a clear plan.",
    ],
    "accommodate": [
        "Generous, but expensive for a problem you had not understood yet.",
        "The voucher settled things quickly at a real cost to the business.",
        "Giving in at once teaches the customer that pushing works.",
    ],
    "refuse": [
        "Hiding behind the policy left the customer alone with the problem.",
        "Passing the blame made things worse.",
        "A flat no without an alternative ended the conversation badly.",
    ],
    "escalate": [
        "Escalating early took the problem out of your hands, and the customer noticed.",
        "Bringing in the manager was right once you had run out of options.",
    ],
    "inform": [
        "Getting the facts first avoided promising the wrong thing.",
        "A clear explanation lowered the temperature.",
    ],
}
REASONS = [
    "You have already tried that.",
    "The customer has already turned this down.",
    "Your manager has not approved this.",
    "Only possible while the customer is calm.",
    "Not possible after the offer you made earlier.",
]
LESSONS = {
    "own-it": (
        "Own the problem",
        "Take the problem on as yours, say what you will do and by "
        "when, then do it. Blame and procedure talk make the customer angrier.",
    ),
    "listen-first": (
        "Listen before solving",
        "Let the customer finish. A solution offered "
        "before the problem is understood rarely fits and often costs more.",
    ),
    "cost-aware": (
        "Mind the cost",
        "Goodwill gestures are tools, not reflexes. Offer them when "
        "they fix something, and know what they cost the business.",
    ),
    "no-blame": (
        "Do not pass the blame",
        "The customer does not care whose fault it is inside "
        "the company. Pointing at the courier or another team makes you look helpless.",
    ),
    "set-expectations": (
        "Set clear expectations",
        "Say what happens next and when. Vague promises turn into the next complaint.",
    ),
    "escalate-well": (
        "Escalate with a handover",
        "When you hand over, brief the colleague so "
        "the customer does not have to tell the story again.",
    ),
    "stay-calm": (
        "Stay calm under pressure",
        "Keep your voice level and your words simple when "
        "the customer gets loud; matching their tone escalates things.",
    ),
    "policy-with-options": (
        "Policy with options",
        "When the rules say no, say what you can do "
        "instead. A no with an alternative keeps the conversation going.",
    ),
}
LESSON_FOR = {
    "empathise": ["listen-first", "stay-calm"],
    "negotiate": ["own-it"],
    "accommodate": ["cost-aware"],
    "refuse": ["no-blame", "policy-with-options"],
    "escalate": ["escalate-well"],
    "inform": ["set-expectations"],
}
ENDINGS = [
    ("balanced", "Problem owned", "The customer leaves with a solution and a reason to come back."),
    ("balanced", "Sorted", "It took a while, but the customer got what was fair at a fair cost."),
    (
        "over-accommodating",
        "Bought off",
        "The customer is pleased, but the gestures cost far more than the problem was worth.",
    ),
    (
        "over-accommodating",
        "Everything for free",
        "Every demand was met; next time they will ask for more.",
    ),
    ("lost", "Customer lost", "The customer leaves without a solution and without trust."),
    ("lost", "Public complaint", "An angry review appears online that evening."),
    ("other", "Handed over", "The case goes to the back office; the outcome is out of your hands."),
]
VARIABLES: dict[str, dict[str, Any]] = {
    "patience": {
        "type": "int",
        "default": 3,
        "min": 0,
        "max": 5,
        "description": "How much more the customer takes.",
    },
    "trust": {"type": "int", "default": 2, "min": 0, "max": 10},
    "escalations": {"type": "int", "default": 0, "min": 0, "max": 20},
    "budget_left": {"type": "number", "default": 100, "min": 0},
    "voucher_offered": {"type": "bool", "default": False},
    "refund_promised": {"type": "bool", "default": False},
    "manager_called": {"type": "bool"},
    "tone": {"type": "choice", "values": ["calm", "tense", "hostile"], "default": "tense"},
    "channel": {"type": "choice", "values": ["counter", "phone", "chat"]},
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
CUSTOMER_NAMES = [
    "Pat Lindqvist",
    "Sam Okafor",
    "Rosa Meier",
    "Jonas Berg",
    "Aisha Rahman",
    "Tom Willems",
    "Lena Kowalski",
]


# ---------------------------------------------------------------- the generator


class _Generator:
    def __init__(self, n_nodes: int, seed: int) -> None:
        if n_nodes < 2:
            raise ValueError("a scenario needs at least 2 nodes (a start and an ending)")
        self.n = n_nodes
        self.rng = random.Random(seed)
        self.width = max(4, len(str(n_nodes - 1)))
        self.expressions: list[str] = []  # every condition and effect written (for unused names)
        extra_customers = range(2, 1 + min(4, n_nodes // 250))
        self.customers = ["customer"] + [f"customer{k}" for k in extra_customers]

    # ----------------------------------------------------------- small pieces

    def pick(self, items: list[Any]) -> Any:
        return self.rng.choice(items)

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(
            product=r.choice(PRODUCTS),
            problem=r.choice(PROBLEMS),
            when=r.choice(TIMES),
            feeling=r.choice(FEELINGS),
            weekday=r.choice(WEEKDAYS),
            time=f"{r.randint(10, 17)}:{r.choice(['00', '15', '30', '45'])}",
            amount=r.choice([10, 15, 20, 25, 30, 40, 50, 75, 100]),
            topic=r.choice(["billing", "delivery", "warranty", "returns"]),
            name=r.choice(CUSTOMER_NAMES).split()[0],
        )

    def customer_line(self) -> str:
        r = self.rng
        forms = [
            lambda: f"My {r.choice(PRODUCTS)} {r.choice(PROBLEMS)}, and {r.choice(DEMANDS)}.",
            lambda: f"I'm {r.choice(FEELINGS)}. {r.choice(DEMANDS).capitalize()}.",
            lambda: f"I called {r.choice(TIMES)} and nobody got back to me.",
            lambda: (
                f"This is the {r.choice(['second', 'third', 'fourth'])} time. "
                f"{r.choice(DEMANDS).capitalize()}."
            ),
            lambda: "Fine. What exactly are you going to do about it?",
            lambda: f"You said that {r.choice(TIMES)} as well.",
            lambda: f"The {r.choice(PRODUCTS)} {r.choice(PROBLEMS)}. Is that so hard to see?",
            lambda: "Okay, that sounds better. Go on.",
        ]
        return r.choice(forms)()

    def amount(self, values: list[float]) -> str:
        value = self.rng.choice(values)
        return f"{value:g}"

    def effect(self, node_id: str) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.22:
            return "satisfaction += 5"  # the most common effect in real files
        if roll < 0.34:
            return f"satisfaction += {self.amount([2, 3, 4, 6, 8, 10, 12, 15, 20])}"
        if roll < 0.46:
            return f"satisfaction -= {self.amount([2, 3, 5, 5, 8, 10, 15, 20, 25])}"
        if roll < 0.58:
            return f"cost += {self.amount([1, 2, 2.5, 5, 5, 7.5, 10, 12.5, 15, 20, 25, 40, 50])}"
        if roll < 0.66:
            return r.choice(["patience -= 1", "patience -= 1", "patience -= 2", "patience += 1"])
        if roll < 0.72:
            return r.choice(["trust += 1", "trust += 1", "trust += 2", "trust -= 1"])
        if roll < 0.77:
            return f"advance({r.choice([5, 10, 15, 20, 30, 30, 45, 60])})"
        if roll < 0.81:
            return r.choice(
                [
                    "voucher_offered = true",
                    "refund_promised = true",
                    "manager_called = true",
                    "refund_promised = false",
                ]
            )
        if roll < 0.85:
            return f'tone = "{r.choice(["calm", "calm", "tense", "hostile"])}"'
        if roll < 0.89:
            return f"budget_left -= {self.amount([5, 10, 12.5, 20, 25, 50])}"
        if roll < 0.92:
            return "escalations += 1"
        if roll < 0.94:
            return f"satisfaction = min(satisfaction + {r.randint(5, 20)}, {r.randint(80, 95)})"
        if roll < 0.96:
            return f"trust = max(trust - {r.randint(1, 3)}, 0)"
        if roll < 0.98:
            return f"cost += round(satisfaction / {r.choice([10, 20, 25])})"
        return f'channel = "{r.choice(["phone", "chat", "counter"])}"'

    def condition(self, node_id: str) -> str:
        r = self.rng
        forms = [
            lambda: f"patience > {r.randint(0, 3)}",
            lambda: f"patience > {r.randint(0, 2)} and trust >= {r.randint(1, 4)}",
            lambda: f"trust >= {r.randint(1, 6)}",
            lambda: "not voucher_offered",
            lambda: f"not refund_promised and cost < {r.choice([20, 30, 50, 80])}",
            lambda: 'tone == "calm"',
            lambda: 'tone != "hostile"',
            lambda: f"satisfaction >= {r.choice([30, 40, 50, 55, 60, 70])}",
            lambda: f"satisfaction < {r.choice([30, 40, 50])} or patience <= {r.randint(0, 2)}",
            lambda: f"escalations < {r.randint(1, 3)}",
            lambda: f"time < {r.randint(11, 17)}:{r.choice(['00', '30'])}",
            lambda: f"day <= {r.randint(1, 4)}",
            lambda: f'visits("{node_id}") < {r.randint(2, 3)}',
            lambda: 'channel == "phone" or manager_called',
            lambda: f"budget_left >= {r.choice([10, 20, 25, 50])}",
        ]
        return r.choice(forms)()

    def line(self, node_id: str, number: int, speaker: str | None) -> dict[str, Any]:
        r = self.rng
        line: dict[str, Any] = {"id": f"{node_id}.l{number}"}
        if speaker is None:
            line["text"] = self.fill(r.choice(NARRATION))
        else:
            line["speaker"] = speaker
            if speaker.startswith("customer"):
                line["mood"] = r.choice(["neutral", "pleased", "annoyed", "annoyed", "angry"])
                line["text"] = self.customer_line()
            elif speaker == "colleague":
                if r.random() < 0.3:
                    line["mood"] = r.choice(["neutral", "worried"])
                line["text"] = self.fill(r.choice(COLLEAGUE_LINES))
            else:
                line["text"] = self.fill(r.choice(MANAGER_LINES))
        if r.random() < 0.04:
            line["if"] = self.condition(node_id)
            self.expressions.append(line["if"])
        return Flow(line) if r.random() < 0.7 else line

    def lines(self, node_id: str, low: int, high: int) -> list[Any]:
        r = self.rng
        customer = r.choice(self.customers)
        result = []
        for number in range(1, r.randint(low, high) + 1):
            roll = r.random()
            speaker = (
                customer
                if roll < 0.72
                else None
                if roll < 0.87
                else "colleague"
                if roll < 0.96
                else "manager"
            )
            result.append(self.line(node_id, number, speaker))
        return result

    def effects(self, node_id: str, low: int, high: int) -> list[str]:
        found: dict[str, str] = {}  # at most one effect per variable
        for _ in range(self.rng.randint(low, high)):
            effect = self.effect(node_id)
            found.setdefault(effect.split(" ")[0], effect)
        self.expressions.extend(found.values())
        return list(found.values())

    # ----------------------------------------------------------- the graph

    def plan(self) -> None:
        r = self.rng
        n = self.n
        kinds = ["decision"]
        for _ in range(1, n - 1):
            roll = r.random()
            kinds.append(
                "decision"
                if roll < 0.72
                else "next"
                if roll < 0.84
                else "branch"
                if roll < 0.90
                else "random"
                if roll < 0.95
                else "ending"
            )
        kinds.append("ending")
        # At least a few endings of different kinds, spread over the file.
        for index in (n * 3 // 10, n * 6 // 10, n * 8 // 10):
            if 0 < index < n - 1:
                kinds[index] = "ending"
        self.kinds = kinds
        self.ids = [f"{r.choice(TOPICS)}-{i:0{self.width}d}" for i in range(n)]
        self.chain = [i for i in range(n) if kinds[i] != "ending"]
        self.endings = [i for i in range(n) if kinds[i] == "ending"]
        self.position = {index: p for p, index in enumerate(self.chain)}
        # Each node's primary successor: the next node of the chain, or an ending.
        self.primary: dict[int, int] = {}
        for p, index in enumerate(self.chain):
            self.primary[index] = self.chain[p + 1] if p + 1 < len(self.chain) else n - 1
        # Each ending needs a predecessor: the nearest earlier node that can branch.
        self.extra: dict[int, list[int]] = {}
        for ending in self.endings:
            for index in range(ending - 1, -1, -1):
                if kinds[index] in ("decision", "branch", "random"):
                    self.extra.setdefault(index, []).append(ending)
                    break

    def forward(self, index: int) -> int:
        """A node somewhat further along: the chain ahead, or now and then an ending."""
        r = self.rng
        if r.random() < 0.1:
            return r.choice(self.endings)
        p = self.position[index]
        ahead = min(len(self.chain) - 1, p + r.randint(1, 25))
        return self.chain[ahead] if ahead > p else self.primary[index]

    def backward(self, index: int) -> int:
        p = self.position[index]
        return self.chain[max(0, p - self.rng.randint(1, 12))]

    # ----------------------------------------------------------- nodes

    def choice(
        self, node_id: str, used: set[str], target: int, conditional: bool, primary: bool
    ) -> dict[str, Any]:
        r = self.rng
        tag, slugs, templates = r.choice(APPROACHES)
        k = r.randrange(len(slugs))
        slug = slugs[k]
        choice_key = slug
        counter = 2
        while choice_key in used:
            choice_key = f"{slug}-{counter}"
            counter += 1
        used.add(choice_key)
        choice: dict[str, Any] = {"id": f"{node_id}.{choice_key}", "text": self.fill(templates[k])}
        if conditional:
            choice["if"] = self.condition(node_id)
            self.expressions.append(choice["if"])
            if r.random() < 0.5:
                choice["reason"] = r.choice(REASONS)
        elif not primary and r.random() < 0.12:
            choice["once"] = True
            choice["reason"] = r.choice(REASONS)
        effects = self.effects(node_id, 0, r.choice([1, 2, 2, 2, 3]))
        if effects:
            choice["effects"] = Flow(effects)
        choice["next"] = self.ids[target]
        if r.random() < 0.3:
            choice["feedback"] = r.choice(FEEDBACK[tag])
        if r.random() < 0.2:
            choice["lesson"] = r.choice(LESSON_FOR[tag])
        extra_tags = [t for t in ("upsell", "policy", "tone") if r.random() < 0.08]
        choice["tags"] = Flow([tag, *extra_tags])
        return choice

    def decision(self, index: int, node_id: str) -> dict[str, Any]:
        r = self.rng
        node: dict[str, Any] = {}
        node["lines"] = self.lines(node_id, 1, 1 if r.random() < 0.75 else 2)
        if r.random() < 0.05:
            node["effects"] = Flow(self.effects(node_id, 1, 1))
        use_fallback = r.random() < 0.06
        targets = [self.primary[index], *self.extra.get(index, [])]
        while len(targets) < r.choice([2, 2, 2, 3, 3, 4]):
            targets.append(self.backward(index) if r.random() < 0.12 else self.forward(index))
        used: set[str] = set()
        choices = []
        for k, target in enumerate(targets):
            primary = k == 0
            conditional = use_fallback or (not primary and r.random() < 0.2)
            choices.append(self.choice(node_id, used, target, conditional, primary))
        r.shuffle(choices)
        if r.random() < 0.04:
            node["timer"] = Flow(
                {
                    "seconds": r.choice([15, 20, 30, 45]),
                    "next": self.ids[self.forward(index)],
                    "effects": [f"satisfaction -= {r.choice([5, 10])}"],
                    "lesson": "stay-calm",
                }
            )
        node["choices"] = choices
        if use_fallback:
            node["fallback"] = self.ids[self.primary[index]]
        return node

    def line_only(self, index: int, node_id: str) -> dict[str, Any]:
        node: dict[str, Any] = {}
        if self.rng.random() < 0.85:
            node["lines"] = self.lines(node_id, 1, 3)
        if self.rng.random() < 0.3:
            node["effects"] = Flow([f"advance({self.rng.choice([10, 15, 30, 60, 90])})"])
        node["next"] = self.ids[self.primary[index]]
        return node

    def branch(self, index: int, node_id: str) -> dict[str, Any]:
        r = self.rng
        node: dict[str, Any] = {}
        if r.random() < 0.2:
            node["lines"] = self.lines(node_id, 1, 1)
        targets = [*self.extra.get(index, [])]
        while len(targets) < r.randint(1, 2):
            targets.append(self.forward(index))
        branches: list[Any] = [
            {"if": self.condition(node_id), "next": self.ids[t]} for t in targets
        ]
        self.expressions.extend(b["if"] for b in branches)
        branches.append({"next": self.ids[self.primary[index]]})
        node["branch"] = [Flow(b) if r.random() < 0.5 else b for b in branches]
        return node

    def random_node(self, index: int, node_id: str) -> dict[str, Any]:
        r = self.rng
        node: dict[str, Any] = {}
        if r.random() < 0.4:
            node["lines"] = self.lines(node_id, 1, 1)
        targets = [self.primary[index], *self.extra.get(index, [])]
        while len(targets) < r.randint(2, 3):
            targets.append(self.forward(index))
        node["random"] = [
            Flow({"weight": r.choice([1, 1, 2, 3, 0.5]), "next": self.ids[t]}) for t in targets
        ]
        return node

    def ending(self, index: int, node_id: str) -> dict[str, Any]:
        r = self.rng
        kind, title, text = r.choice(ENDINGS)
        node: dict[str, Any] = {"lines": self.lines(node_id, 1, 2)}
        ending = {"kind": kind, "title": title, "text": text}
        node["ending"] = Flow(ending) if r.random() < 0.5 else ending
        return node

    def cover_unused(self, nodes: dict[str, Any]) -> None:
        """Read every variable somewhere, and note which lessons are linked.

        Large files use everything anyway; this keeps tiny ones free of warnings.
        """
        read: set[str] = set()
        for source in self.expressions:
            if " = " in source:  # a plain assignment does not read its target
                source = source.split(" = ", 1)[1]
            read.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source))
        probes = []
        for name, spec in VARIABLES.items():
            if name not in read:
                probes.append(
                    name
                    if spec["type"] == "bool"
                    else f'{name} == "{spec["values"][0]}"'
                    if spec["type"] == "choice"
                    else f"{name} >= 0"
                )
        start = nodes[self.ids[0]]
        if probes:
            start["lines"].append(
                {
                    "id": f"{self.ids[0]}.l-probe",
                    "if": " or ".join(probes),
                    "text": "The customer looks at you, waiting.",
                }
            )
        self.linked_lessons = {
            choice.get("lesson") for node in nodes.values() for choice in node.get("choices", [])
        }
        if any("timer" in node for node in nodes.values()):
            self.linked_lessons.add("stay-calm")

    # ----------------------------------------------------------- whole file

    def scenario(self) -> dict[str, Any]:
        self.plan()
        r = self.rng
        builders = {
            "decision": self.decision,
            "next": self.line_only,
            "branch": self.branch,
            "random": self.random_node,
            "ending": self.ending,
        }
        nodes = {self.ids[i]: builders[self.kinds[i]](i, self.ids[i]) for i in range(self.n)}
        self.cover_unused(nodes)
        _keep_once_where_a_path_returns(nodes)
        episode_count = max(1, min(40, self.n // 250))
        starts = [self.chain[len(self.chain) * k // episode_count] for k in range(episode_count)]
        episodes = {}
        for k, start in enumerate(dict.fromkeys(starts)):
            episode: dict[str, Any] = {
                "title": f"{r.choice(['Visit', 'Call', 'Chat', 'Follow-up'])} {k + 1}: "
                f"the {r.choice(PRODUCTS)}",
                "start": self.ids[start],
                "intro": f"{r.choice(WEEKDAYS)} {r.choice(['morning', 'afternoon'])}. "
                f"{r.choice(CUSTOMER_NAMES)} is back about the {r.choice(PRODUCTS)}.",
            }
            if k > 0:
                episode["day"] = min(366, k + 1)
                episode["time"] = f"{r.randint(9, 16):02d}:{r.choice(['00', '15', '30', '45'])}"
            episodes[f"episode-{k + 1}"] = episode
        characters: dict[str, Any] = {}
        for k, key in enumerate(self.customers):
            characters[key] = {
                "name": CUSTOMER_NAMES[k % len(CUSTOMER_NAMES)],
                "role": "customer",
                "description": f"A regular customer with a {r.choice(PRODUCTS)} that "
                f"{r.choice(PROBLEMS)}.",
                "moods": Flow(["neutral", "pleased", "annoyed", "angry"]),
                "mood": "annoyed",
            }
        characters["colleague"] = {
            "name": "Maria Santos",
            "role": "colleague",
            "moods": Flow(["neutral", "worried"]),
        }
        characters["manager"] = {"name": "Dana Brooks", "role": "manager"}
        return {
            "format": 1,
            "id": f"synthetic-{self.n}",
            "title": f"Synthetic scenario with {self.n:,} steps",
            "version": 1,
            "language": "en",
            "summary": "Generated for benchmarks: a long run of difficult customers at the "
            "counter, on the phone and in chat.",
            "minutes": 240,
            "lessons": {
                key: {"title": title, "debrief": Folded(text)}
                for key, (title, text) in LESSONS.items()
                if key in self.linked_lessons
            },
            "characters": characters,
            "meters": {
                "satisfaction": Flow({"start": 40, "visible": True}),
                "cost": Flow(
                    {
                        "unit": "money",
                        "currency": "EUR",
                        "start": 0,
                        "visible": True,
                        "label": "Cost of remedies",
                    }
                ),
            },
            "variables": {name: Flow(spec) for name, spec in VARIABLES.items()},
            "clock": Flow({"day": 1, "time": "09:00", "day_names": WEEKDAYS}),
            "start": self.ids[0],
            "episodes": episodes,
            "nodes": nodes,
            "scoring": {
                "target": Flow({"satisfaction": 60, "cost": 20}),
                "cost_limit": 120,
                "satisfaction_weight": 0.5,
                "pass_mark": 70,
                "grades": {
                    "excellent": Flow({"min": 85, "label": "Excellent"}),
                    "good": Flow({"min": 70, "label": "Good"}),
                    "developing": Flow({"min": 50, "label": "Developing"}),
                    "needs-practice": Flow({"min": 0, "label": "Needs practice"}),
                },
            },
        }


def _targets(value: Any) -> list[str]:
    """Every node a node's data leads to (``next`` anywhere in it)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        item = item.value if isinstance(item, Flow) else item
        if isinstance(item, dict):
            if isinstance(item.get("next"), str):
                found.append(item["next"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _keep_once_where_a_path_returns(nodes: dict[str, Any]) -> None:
    """A once-only choice (and the reason shown when it is used up) only where a path
    comes back to its node, as the validator asks (W506, W507): the benchmark scenario
    validates cleanly, as a real one would."""
    graph = {node: [t for t in _targets(data) if t in nodes] for node, data in nodes.items()}
    returning = _on_cycles(graph)
    for node_id, data in nodes.items():
        if node_id in returning:
            continue
        for choice in data.get("choices", []):
            if choice.pop("once", False) and "if" not in choice:
                choice.pop("reason", None)


def _on_cycles(graph: dict[str, list[str]]) -> set[str]:
    """The nodes a path can come back to: in a component of more than one node, or with
    an edge to themselves (the validator's own components, so the two agree)."""
    return {
        node
        for component in strongly_connected(graph)
        for node in component
        if len(component) > 1 or node in graph[node]
    }


def generate_data(n_nodes: int, seed: int = 0) -> dict[str, Any]:
    """The scenario as marked-up data (``Flow``/``Folded`` wrappers; see ``plain_data``)."""
    return _Generator(n_nodes, seed).scenario()


def to_yaml(data: dict[str, Any], header: str = "") -> str:
    out: list[str] = [header.rstrip("\n")] if header else []
    _block(data, 0, out)
    return "\n".join(out) + "\n"


def _header(n_nodes: int, seed: int) -> str:
    return (
        f"# Synthetic scenario: {n_nodes} nodes, seed {seed}.\n"
        "# Generated by benchmarks/generate.py for benchmarks; do not edit."
    )


def generate(n_nodes: int, seed: int = 0) -> str:
    """A valid synthetic scenario with ``n_nodes`` nodes, as YAML text."""
    return to_yaml(generate_data(n_nodes, seed), _header(n_nodes, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="+", type=int, help="node counts, e.g. 1000 10000")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "generated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--check",
        action="store_true",
        help="parse each file back with yaml-rs and compare with the data",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        data = generate_data(size, args.seed)
        text = to_yaml(data, _header(size, args.seed))
        target = args.out / f"synthetic-{size}.yaml"
        target.write_text(text, encoding="utf-8")
        size_bytes = len(text.encode("utf-8"))
        print(f"{target}: {size} nodes, {size_bytes:,} bytes ({size_bytes / size:.0f} bytes/node)")
        if args.check:
            import yaml_rs

            if yaml_rs.loads(text, parse_datetime=False) != plain_data(data):
                print(f"  round trip FAILED for {target}", file=sys.stderr)
                return 1
            print("  round trip ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
