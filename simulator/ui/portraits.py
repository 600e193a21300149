"""Portraits drawn from shapes: the project's own art, one look per character, one face
per mood. Nothing is loaded from disk, so there is no art licence to track.

A character's colours and hair come from a stable hash of its id, so the same
customer looks the same in every scenario. Mood names are free text in
scenarios; ``expression_for`` maps them onto the faces drawn here.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import pygame

Colour = tuple[int, int, int]

SKIN = [
    (241, 204, 170),
    (224, 172, 132),
    (198, 140, 100),
    (150, 100, 70),
    (110, 72, 50),
    (236, 190, 160),
]
HAIR = [
    (40, 30, 25),
    (90, 60, 35),
    (160, 110, 60),
    (200, 170, 110),
    (120, 120, 125),
    (60, 45, 40),
    (150, 60, 40),
]
CLOTHES = [
    (52, 84, 140),
    (120, 60, 70),
    (60, 110, 90),
    (90, 90, 100),
    (150, 110, 50),
    (70, 70, 130),
]


@dataclass(frozen=True)
class Face:
    """How one mood shows: the backdrop's tint, the brows (how far their inner and outer
    ends drop), the eyes, the mouth, and a mark beside the head."""

    backdrop: Colour
    brows: tuple[int, int]
    eyes: str  # open, wide, half, closed, down, side, up
    mouth: str  # flat, smile, grin, frown, open, small-open, wavy, tight, smirk, pout, droop
    mark: str = ""  # anger, sweat, tear, blush, question, sparkle, lines, bags, zig, sigh, dots


# One face for every mood the bundled scenarios declare, each clearly different from the
# others (a test compares every pair), so that a trainee reads the customer at a glance.
FACES: dict[str, Face] = {
    "neutral": Face((206, 218, 232), (0, 0), "open", "flat"),
    "pleased": Face((200, 232, 205), (-1, -1), "open", "grin"),
    "grateful": Face((214, 236, 196), (-2, 0), "closed", "smile", "sparkle"),
    "hopeful": Face((222, 236, 214), (-3, -1), "up", "smile"),
    "annoyed": Face((245, 222, 170), (2, -1), "half", "tight"),
    "fed-up": Face((238, 214, 160), (1, 2), "half", "pout", "lines"),
    "angry": Face((240, 180, 170), (4, -2), "open", "frown", "anger"),
    "tense": Face((236, 206, 186), (2, 1), "wide", "tight"),
    "defensive": Face((230, 210, 200), (3, -1), "side", "pout"),
    "tired": Face((214, 208, 226), (-2, 2), "half", "droop", "bags"),
    "stressed": Face((226, 204, 214), (-3, 2), "wide", "wavy", "zig"),
    "worried": Face((214, 216, 236), (-4, 2), "up", "wavy", "sweat"),
    "hurt": Face((220, 206, 230), (-3, 3), "down", "frown", "tear"),
    "embarrassed": Face((246, 214, 214), (-1, 1), "side", "wavy", "blush"),
    "disappointed": Face((214, 214, 220), (-2, 3), "down", "droop", "sigh"),
    "doubtful": Face((226, 226, 200), (1, -3), "side", "smirk", "dots"),
    "puzzled": Face((214, 230, 240), (-3, -3), "wide", "small-open", "question"),
    "surprised": Face((206, 226, 244), (-4, -4), "wide", "open"),
    "hurried": Face((240, 228, 200), (0, -2), "side", "small-open", "lines"),
}
# Other mood words a scenario may use, read as the nearest face above.
_KEYWORDS = {
    "pleased": ("happy", "glad", "relieved", "satisfied", "warm", "friendly", "calm"),
    "grateful": ("thankful", "delighted"),
    "hopeful": ("optimistic", "eager"),
    "annoyed": ("impatient", "irritated", "frustrated", "cold", "displeased", "stern"),
    "angry": ("furious", "hostile", "livid", "outraged"),
    "doubtful": ("sceptical", "skeptical", "suspicious", "wary", "unconvinced"),
    "tired": ("exhausted", "drained", "weary", "flat"),
    "stressed": ("anxious", "nervous", "panicked", "overwhelmed", "harried"),
    "worried": ("concerned", "uneasy", "apprehensive"),
    "hurt": ("sad", "upset", "offended", "humiliated"),
    "embarrassed": ("apologetic", "sheepish", "ashamed"),
    "disappointed": ("resigned", "let down", "deflated"),
    "fed-up": ("exasperated",),
    "hurried": ("rushed", "busy"),
    "tense": ("firm", "guarded", "strained"),
    "puzzled": ("confused", "lost", "curious"),
    "surprised": ("shocked", "astonished"),
}


def expression_for(mood: str | None) -> str:
    """The face for a mood: its own where there is one, else the nearest by its words."""
    if not mood:
        return "neutral"
    lowered = mood.lower()
    if lowered in FACES:
        return lowered
    for expression in FACES:
        if expression in lowered:
            return expression
    for expression, words in _KEYWORDS.items():
        if any(word in lowered for word in words):
            return expression
    return "neutral"


def _pick(options: list[Colour], number: int) -> Colour:
    return options[number % len(options)]


def draw_portrait(
    character_id: str, mood: str | None, size: int, high_contrast: bool = False, look: int = -1
) -> pygame.Surface:
    """A square portrait of ``size`` pixels. ``look`` is the character's place among the
    scenario's characters: the first four never share a hairstyle or clothes, so no two
    people in one scenario look alike. Without it the look comes from the id alone."""
    digest = hashlib.sha256(character_id.encode("utf-8")).digest()
    face = FACES[expression_for(mood)]
    skin = _pick(SKIN, digest[0])
    if look >= 0:
        hair = _pick(HAIR, digest[1] + 3 * look)
        clothes = _pick(CLOTHES, look)
        hair_style = look % 4
    else:
        hair, clothes, hair_style = _pick(HAIR, digest[1]), _pick(CLOTHES, digest[2]), digest[3] % 4
    glasses = digest[4] % 5 == 0
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    backdrop = (20, 20, 20) if high_contrast else face.backdrop
    pygame.draw.rect(surface, backdrop, (0, 0, size, size), border_radius=size // 12)
    outline = (255, 255, 255) if high_contrast else (60, 50, 45)
    s = size / 100.0

    def point(x: float, y: float) -> tuple[int, int]:
        return round(x * s), round(y * s)

    def rect(x: float, y: float, w: float, h: float) -> pygame.Rect:
        return pygame.Rect(round(x * s), round(y * s), max(1, round(w * s)), max(1, round(h * s)))

    line = max(1, round(1.6 * s))
    pen = _Pen(surface, s, line, outline)
    # Shoulders and neck.
    pygame.draw.ellipse(surface, clothes, rect(14, 74, 72, 44))
    pygame.draw.rect(surface, skin, rect(43, 60, 14, 18))
    # Hair behind the head.
    if hair_style in (1, 3):
        pygame.draw.ellipse(surface, hair, rect(24, 18, 52, 62 if hair_style == 3 else 48))
    # Head: bowed a little when down-hearted or tired.
    tilt = 2 if face.eyes in ("down", "half") and face.mouth in ("droop", "frown") else 0
    head = rect(29, 22 + tilt, 42, 50)
    head_colour = skin
    if face.mark == "anger":
        head_colour = (min(255, skin[0] + 10), max(0, skin[1] - 25), max(0, skin[2] - 25))
    pygame.draw.ellipse(surface, head_colour, head)
    pygame.draw.ellipse(surface, outline, head, line)
    # Hair on top.
    if hair_style == 0:
        pygame.draw.ellipse(surface, hair, rect(28, 18 + tilt, 44, 20))
    elif hair_style == 1:
        pygame.draw.ellipse(surface, hair, rect(28, 17 + tilt, 44, 18))
    elif hair_style == 2:
        pygame.draw.arc(
            surface, hair, rect(29, 21 + tilt, 42, 24), 0.1, math.pi - 0.1, max(2, round(5 * s))
        )
    else:
        pygame.draw.ellipse(surface, hair, rect(27, 16 + tilt, 46, 22))
    eye_y = 44 + tilt
    _eyes(pen, face.eyes, eye_y)
    if glasses:
        for eye_x in (40, 60):
            pygame.draw.circle(surface, outline, point(eye_x, eye_y), round(6.5 * s), line)
        pygame.draw.line(surface, outline, point(46.5, eye_y), point(53.5, eye_y), line)
    # Eyebrows: their angle carries most of the mood.
    inner_drop, outer_drop = face.brows
    brow_colour = outline if high_contrast else tuple(round(c * 0.55) for c in hair)
    for side, eye_x in ((-1, 40), (1, 60)):
        inner = point(eye_x - side * 5, eye_y - 7 + inner_drop)
        outer = point(eye_x + side * 6, eye_y - 8 + outer_drop)
        pygame.draw.line(surface, brow_colour, inner, outer, max(2, round(2.6 * s)))
    _mouth(pen, face.mouth, 60 + tilt)
    _mark(pen, face.mark)
    return surface


@dataclass(frozen=True)
class _Pen:
    """Drawing on a portrait in its own units: 100 across, whatever its size in pixels."""

    surface: pygame.Surface
    scale: float
    line: int
    outline: Colour

    def point(self, x: float, y: float) -> tuple[int, int]:
        return round(x * self.scale), round(y * self.scale)

    def rect(self, x: float, y: float, w: float, h: float) -> pygame.Rect:
        scale = self.scale
        return pygame.Rect(
            round(x * scale), round(y * scale), max(1, round(w * scale)), max(1, round(h * scale))
        )


def _eyes(pen: _Pen, kind: str, eye_y: float) -> None:
    surface, point, rect, outline, line, s = (
        pen.surface,
        pen.point,
        pen.rect,
        pen.outline,
        pen.line,
        pen.scale,
    )
    for eye_x in (40, 60):
        if kind == "closed":  # smiling, eyes shut: small arcs
            pygame.draw.arc(
                surface, outline, rect(eye_x - 4, eye_y - 2, 8, 6), 0.2, math.pi - 0.2, line + 1
            )
            continue
        if kind == "half":
            pygame.draw.line(
                surface, outline, point(eye_x - 4, eye_y + 1), point(eye_x + 4, eye_y + 1), line + 1
            )
            pygame.draw.circle(surface, (40, 40, 50), point(eye_x, eye_y + 2), round(1.4 * s))
            continue
        radius = 4.4 if kind == "wide" else 3.4
        pygame.draw.circle(surface, (255, 255, 255), point(eye_x, eye_y), round(radius * s))
        dx, dy = {"down": (0, 1.6), "side": (1.8, 0), "up": (0, -1.6)}.get(kind, (0, 0))
        pygame.draw.circle(surface, (40, 40, 50), point(eye_x + dx, eye_y + dy), round(1.8 * s))


def _mouth(pen: _Pen, kind: str, y: float) -> None:
    surface, point, rect, outline, line = pen.surface, pen.point, pen.rect, pen.outline, pen.line
    width = line + 1
    if kind == "smile":
        pygame.draw.arc(
            surface, outline, rect(41, y - 7, 18, 12), math.pi + 0.3, 2 * math.pi - 0.3, width
        )
    elif kind == "grin":
        pygame.draw.ellipse(surface, (250, 250, 250), rect(41, y - 2, 18, 8))
        pygame.draw.arc(
            surface, outline, rect(40, y - 8, 20, 14), math.pi + 0.2, 2 * math.pi - 0.2, width
        )
    elif kind == "frown":
        pygame.draw.arc(surface, outline, rect(41, y - 1, 18, 10), 0.3, math.pi - 0.3, width)
    elif kind == "open":
        pygame.draw.ellipse(surface, outline, rect(45, y - 4, 10, 11), line)
    elif kind == "small-open":
        pygame.draw.ellipse(surface, outline, rect(47, y - 2, 6, 6), line)
    elif kind == "wavy":
        points = [point(42 + i * 2, y + (1 if i % 2 else -1)) for i in range(8)]
        pygame.draw.lines(surface, outline, False, points, width)
    elif kind == "tight":
        pygame.draw.line(surface, outline, point(45, y), point(55, y - 1), width + 1)
    elif kind == "smirk":
        pygame.draw.line(surface, outline, point(43, y + 1), point(53, y), width)
        pygame.draw.arc(surface, outline, rect(50, y - 5, 8, 7), math.pi + 0.5, 2 * math.pi, width)
    elif kind == "pout":
        pygame.draw.arc(surface, outline, rect(45, y - 1, 10, 6), 0.2, math.pi - 0.2, width)
        pygame.draw.line(surface, outline, point(46, y + 3), point(54, y + 3), line)
    elif kind == "droop":
        pygame.draw.line(surface, outline, point(43, y - 1), point(50, y + 1), width)
        pygame.draw.line(surface, outline, point(50, y + 1), point(57, y - 1), width)
    else:
        pygame.draw.line(surface, outline, point(44, y), point(56, y), width)


def _mark(pen: _Pen, kind: str) -> None:
    surface, point, rect, line, s = pen.surface, pen.point, pen.rect, pen.line, pen.scale
    if kind == "anger":
        pygame.draw.line(surface, (190, 60, 50), point(66, 28), point(72, 24), line + 1)
        pygame.draw.line(surface, (190, 60, 50), point(68, 31), point(75, 30), line + 1)
    elif kind == "sweat":
        pygame.draw.circle(surface, (120, 170, 220), point(71, 36), round(2.4 * s))
        pygame.draw.polygon(surface, (120, 170, 220), [point(71, 31), point(69, 35), point(73, 35)])
    elif kind == "tear":
        pygame.draw.line(surface, (110, 160, 230), point(38, 47), point(37, 58), line + 1)
        pygame.draw.circle(surface, (110, 160, 230), point(37, 59), round(2.6 * s))
    elif kind == "blush":
        for x in (35, 65):
            blush = pygame.Surface(rect(0, 0, 12, 6).size, pygame.SRCALPHA)
            pygame.draw.ellipse(blush, (230, 90, 90, 200), blush.get_rect())
            surface.blit(blush, point(x - 6, 51))
    elif kind == "zig":  # strain crackling above the head
        points = [point(64 + i * 4, 12 + (4 if i % 2 else 0)) for i in range(6)]
        pygame.draw.lines(surface, (200, 90, 120), False, points, line + 1)
    elif kind == "sigh":  # a breath let out
        for index, (x, y) in enumerate(((26, 62), (21, 58), (17, 53))):
            pygame.draw.circle(
                surface, (160, 170, 190), point(x, y), round((3 - index * 0.6) * s), line
            )
    elif kind == "dots":  # "hm..."
        for x in (72, 78, 84):
            pygame.draw.circle(surface, (110, 110, 130), point(x, 20), round(1.8 * s))
    elif kind == "question":
        pygame.draw.arc(surface, (60, 90, 160), rect(72, 14, 10, 10), -0.8, math.pi, line + 1)
        pygame.draw.line(surface, (60, 90, 160), point(80, 22), point(77, 26), line + 1)
        pygame.draw.circle(surface, (60, 90, 160), point(77, 30), round(1.2 * s))
    elif kind == "sparkle":
        for cx, cy in ((74, 22), (80, 32)):
            pygame.draw.line(surface, (230, 180, 40), point(cx - 3, cy), point(cx + 3, cy), line)
            pygame.draw.line(surface, (230, 180, 40), point(cx, cy - 3), point(cx, cy + 3), line)
    elif kind == "lines":
        for offset in (0, 5, 10):
            pygame.draw.line(
                surface, (150, 150, 160), point(74, 30 + offset), point(84, 30 + offset), line
            )
    elif kind == "bags":
        for x in (40, 60):
            pygame.draw.arc(
                surface, (150, 120, 150), rect(x - 4, 47, 8, 4), math.pi, 2 * math.pi, line
            )


class PortraitCache:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int, bool, int], pygame.Surface] = {}

    def get(
        self, character_id: str, mood: str | None, size: int, high_contrast: bool, look: int = -1
    ) -> pygame.Surface:
        key = (character_id, expression_for(mood), size, high_contrast, look)
        if key not in self._cache:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = draw_portrait(character_id, mood, size, high_contrast, look)
        return self._cache[key]
