"""Redaction of the texts kept as archives: no secret survives, whatever its case."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from privacy.anonymise.texts import REDACTED, redact, secrets_of

WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç -'", min_size=0, max_size=40)
NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=3, max_size=12)


@given(before=WORDS, name=NAMES, after=WORDS, upper=st.booleans())
def test_no_secret_survives_redaction(before: str, name: str, after: str, upper: bool) -> None:
    text = before + (name.upper() if upper else name.capitalize()) + after
    result = redact(text, secrets_of([name]))
    assert name.casefold() not in result.casefold().replace(REDACTED, "|")


def test_longest_secrets_are_blanked_first_and_short_ones_never() -> None:
    secrets = secrets_of(["Nadia", "Nadia Benali", "Li", "", None])
    assert secrets == ["Nadia Benali", "Nadia"]
    assert redact("Mme nadia benali (Nadia) à Lille", secrets) == "Mme […] ([…]) à Lille"
