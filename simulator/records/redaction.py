"""Passwords never leave in a message: a results store or LRS address may carry one
(postgresql://user:secret@host/db), and messages reach terminals, logs and the screen."""

from __future__ import annotations

import re

_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/\s:@]*):[^/\s@]*@")


def redacted(text: str) -> str:
    """The text with the password of every address in it replaced by ***."""
    return _CREDENTIALS.sub(lambda match: f"{match['scheme']}{match['user']}:***@", text)
