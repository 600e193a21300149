"""Portraits drawn from shapes: the project's own art, one look per character, one face
per mood. Nothing is loaded from disk, so there is no art licence to track.

A character's colours and hair come from a stable hash of its id, so the same
customer looks the same in every scenario. Mood names are free text in
scenarios; ``expression_for`` maps them onto the faces drawn here.
"""

from __future__ import annotations

import hashlib
import math

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
MOOD_BACKDROP: dict[str, Colour] = {
    "neutral": (206, 218, 232),
    "pleased": (200, 232, 205),
    "annoyed": (245, 222, 170),
    "angry": (240, 180, 170),
    "tired": (214, 208, 226),
    "surprised": (214, 230, 240),
}
_KEYWORDS = {
    "pleased": (
        "pleased",
        "happy",
        "glad",
        "relieved",
        "grateful",
        "satisfied",
        "warm",
        "friendly",
        "calm",
    ),
    "annoyed": (
        "annoyed",
        "impatient",
        "irritated",
        "frustrated",
        "sceptical",
        "skeptical",
        "cold",
        "tense",
        "displeased",
        "fed-up",
        "doubtful",
        "suspicious",
        "hurried",
        "defensive",
        "stern",
    ),
    "angry": ("angry", "furious", "hostile", "livid", "outraged"),
    "tired": (
        "tired",
        "exhausted",
        "stressed",
        "worried",
        "anxious",
        "sad",
        "drained",
        "weary",
        "upset",
        "hurt",
        "embarrassed",
    ),
    "surprised": ("surprised", "shocked", "confused", "puzzled"),
}


def expression_for(mood: str | None) -> str:
    if not mood:
        return "neutral"
    lowered = mood.lower()
    for expression, words in _KEYWORDS.items():
        if any(word in lowered for word in words):
            return expression
    return "neutral"


def _pick(options: list[Colour], digest: bytes, index: int) -> Colour:
    return options[digest[index] % len(options)]


def draw_portrait(
    character_id: str, mood: str | None, size: int, high_contrast: bool = False
) -> pygame.Surface:
    """A square portrait of ``size`` pixels."""
    digest = hashlib.sha256(character_id.encode("utf-8")).digest()
    expression = expression_for(mood)
    skin = _pick(SKIN, digest, 0)
    hair = _pick(HAIR, digest, 1)
    clothes = _pick(CLOTHES, digest, 2)
    hair_style = digest[3] % 4
    glasses = digest[4] % 5 == 0
    surface = pygame.Surface((size, size), pygame.SRCALPHA)
    backdrop = (20, 20, 20) if high_contrast else MOOD_BACKDROP[expression]
    pygame.draw.rect(surface, backdrop, (0, 0, size, size), border_radius=size // 12)
    outline = (255, 255, 255) if high_contrast else (60, 50, 45)
    s = size / 100.0

    def point(x: float, y: float) -> tuple[int, int]:
        return round(x * s), round(y * s)

    def rect(x: float, y: float, w: float, h: float) -> pygame.Rect:
        return pygame.Rect(round(x * s), round(y * s), max(1, round(w * s)), max(1, round(h * s)))

    line = max(1, round(1.6 * s))
    # Shoulders and neck.
    pygame.draw.ellipse(surface, clothes, rect(14, 74, 72, 44))
    pygame.draw.rect(surface, skin, rect(43, 60, 14, 18))
    # Hair behind the head.
    if hair_style in (1, 3):
        pygame.draw.ellipse(surface, hair, rect(24, 18, 52, 62 if hair_style == 3 else 48))
    # Head.
    tilt = 2 if expression == "tired" else 0
    head = rect(29, 22 + tilt, 42, 50)
    head_colour = skin
    if expression == "angry":
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
    # Eyes.
    eye_y = 44 + tilt
    for eye_x in (40, 60):
        if expression == "tired":
            pygame.draw.line(
                surface, outline, point(eye_x - 4, eye_y + 1), point(eye_x + 4, eye_y + 1), line + 1
            )
        else:
            radius = 4.2 if expression == "surprised" else 3.4
            pygame.draw.circle(surface, (255, 255, 255), point(eye_x, eye_y), round(radius * s))
            pygame.draw.circle(surface, (40, 40, 50), point(eye_x, eye_y), round(1.8 * s))
        if glasses:
            pygame.draw.circle(surface, outline, point(eye_x, eye_y), round(6.5 * s), line)
    if glasses:
        pygame.draw.line(surface, outline, point(46.5, eye_y), point(53.5, eye_y), line)
    # Eyebrows: their angle carries most of the mood.
    inner_drop, outer_drop = {
        "neutral": (0, 0),
        "pleased": (-1, -1),
        "annoyed": (2, -1),
        "angry": (4, -2),
        "tired": (-2, 2),
        "surprised": (-4, -4),
    }[expression]
    brow_colour = outline if high_contrast else tuple(round(c * 0.55) for c in hair)
    for side, eye_x in ((-1, 40), (1, 60)):
        inner = point(eye_x - side * 5, eye_y - 7 + inner_drop)
        outer = point(eye_x + side * 6, eye_y - 8 + outer_drop)
        pygame.draw.line(surface, brow_colour, inner, outer, max(2, round(2.6 * s)))
    # Mouth.
    mouth_y = 60 + tilt
    if expression == "pleased":
        pygame.draw.arc(
            surface,
            outline,
            rect(41, mouth_y - 7, 18, 12),
            math.pi + 0.3,
            2 * math.pi - 0.3,
            line + 1,
        )
    elif expression in ("annoyed", "tired"):
        pygame.draw.line(
            surface,
            outline,
            point(43, mouth_y),
            point(57, mouth_y - (1 if expression == "annoyed" else -1)),
            line + 1,
        )
    elif expression == "angry":
        pygame.draw.arc(
            surface, outline, rect(41, mouth_y - 1, 18, 10), 0.3, math.pi - 0.3, line + 1
        )
    elif expression == "surprised":
        pygame.draw.ellipse(surface, outline, rect(46, mouth_y - 3, 8, 9), line)
    else:
        pygame.draw.line(surface, outline, point(44, mouth_y), point(56, mouth_y), line)
    if expression == "angry":
        pygame.draw.line(surface, (190, 60, 50), point(66, 28), point(72, 24), line + 1)
        pygame.draw.line(surface, (190, 60, 50), point(68, 31), point(75, 30), line + 1)
    if expression == "tired":
        pygame.draw.circle(surface, (120, 170, 220), point(70, 36), round(2.2 * s))
    return surface


class PortraitCache:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int, bool], pygame.Surface] = {}

    def get(
        self, character_id: str, mood: str | None, size: int, high_contrast: bool
    ) -> pygame.Surface:
        key = (character_id, expression_for(mood), size, high_contrast)
        if key not in self._cache:
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = draw_portrait(character_id, mood, size, high_contrast)
        return self._cache[key]
