"""What a person reads on a page, and the identifiers of the code found in it.

Shared by the test-client scans and the browser tests: give ``identifiers_in`` the visible
text (``visible_text`` extracts it from HTML; a browser gives ``inner_text``) and it lists
every token that belongs to the code rather than to French: snake_case names, record
references (``applicants.project:18``), permission codenames, organisation group slugs
(``org:…``), raw status values, the values the code prints when one leaks through (``None``,
``True``), and the workflow diagram's vocabulary (BPMN). E-mail and web addresses and file
names (the person's own ``mon_budget.pdf``) are set aside first: they are not identifiers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# What a non-staff reader may never meet, most specific first (the first match wins).
PATTERNS = {
    "record reference": re.compile(r"\b[a-z_]+\.[a-z_]+:\d+\b"),
    "group slug": re.compile(r"\borg:[\w-]+"),
    "permission": re.compile(r"\b[a-z]+\.(?:view|add|change|delete)_[a-z]+\b"),
    "snake_case": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "diagram": re.compile(r"\bbpmn\b|\bschema\.svg\b|\bdiagramme\b", re.IGNORECASE),
    "code value": re.compile(r"\b(?:None|True|False|null|undefined|NaN|pk)\b"),
    "status value": re.compile(
        r"\b(?:draft|submitted|eligible|ineligible|adjourned|rejected|funding|withdrawn|"
        r"pending|accepted|declined|expired|redirected)\b"
    ),
}

# Set aside before the scan: addresses and file names may hold underscores.
_NOT_IDENTIFIERS = re.compile(
    r"\S+@\S+|https?://\S+|www\.\S+|[\w.-]+\.(?:pdf|png|jpe?g|odt|ods|docx?|xlsx?|csv|txt)\b",
    re.IGNORECASE,
)

# Read by people as text (screen readers too), though not between tags.
_SPOKEN_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
_SILENT_TAGS = {"script", "style", "template", "noscript"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._silent = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SILENT_TAGS:
            self._silent += 1
        values = dict(attrs)
        self.parts += [values[name] or "" for name in _SPOKEN_ATTRIBUTES if values.get(name)]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SILENT_TAGS and self._silent:
            self._silent -= 1

    def handle_data(self, data: str) -> None:
        if not self._silent:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text as read on screen or aloud: text nodes and spoken attributes."""
    collector = _TextCollector()
    collector.feed(html)
    return " ".join(" ".join(collector.parts).split())


def identifiers_in(text: str) -> list[str]:
    """Each identifier found in ``text``, as ``"kind: token"``, in reading order."""
    text = _NOT_IDENTIFIERS.sub(lambda match: " " * len(match.group(0)), text)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            taken.append(span)
            found.append((span[0], f"{kind}: {match.group(0)}"))
    return [token for _, token in sorted(found)]
