"""Words of the code that must never reach a non-staff reader's screen.

``find_identifiers(text)`` takes the visible text of a page (``innerText``) and returns every
token that looks like an identifier: snake_case names (``doc_kbis``, ``view_project``),
object labels (``applicants.project:18``), group slugs (``org:incubateur-x``) and the English
words the code prints when a value leaks through (``None``, ``True``, ``pk``). E-mail and web
addresses are set aside first: an address may hold an underscore and is not an identifier.
"""

from __future__ import annotations

import re

_ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+")
_PATTERNS = (
    re.compile(r"\b[a-z][a-z0-9]*\.[a-z][a-z0-9_]*:\d+\b"),  # applicants.project:18
    re.compile(r"(?<![\w-])(?:org|group|grp|role):[\w.-]+"),  # org:incubateur-x
    re.compile(r"(?<![\w-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w-])"),  # doc_kbis
    re.compile(r"\b(?:None|True|False|null|undefined|NaN|pk|id)\b"),  # values of the code
)


def find_identifiers(text: str) -> list[str]:
    """Every identifier-like token in ``text``, in order of appearance, without repeats."""
    text = _ADDRESSES.sub(" ", text)
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        found.extend((match.start(), match.group(0)) for match in pattern.finditer(text))
    seen: set[str] = set()
    tokens: list[str] = []
    for _, token in sorted(found):
        if token not in seen:
            seen.add(token)
            tokens.append(token)
    return tokens
