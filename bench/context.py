"""What every figure's module receives: the dataset's size, the mode and the personas."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEMO_DOMAIN = "demo.mel-ess.fr"
# Who is measured for each role: logins of the demo's first territory.
PERSONAS = {
    "mel_staff": "charge.mission",
    "incubator": "conseillere.cae",
    "committee": "membre.comite1",
    "financier": "financeur.mel",
    "applicant": "kevin",
    "steering": "pilotage",
    "lab": "labo",  # the row-level extract is the lab's only
}


@dataclass
class BenchContext:
    """``size`` is the number of dossiers (journeys) in the database now; ``first`` and
    ``last`` say whether this is the first or last size of the run; ``state`` carries what
    a figure measured at an earlier size (the baseline of a same-run ratio)."""

    quick: bool
    size: int
    first: bool
    last: bool
    database_url: str
    results_dir: Path
    state: dict[str, Any] = field(default_factory=dict)

    def persona(self, role: str) -> Any:
        from accounts.models import User

        return User.objects.get(email=f"{PERSONAS[role]}@{DEMO_DOMAIN}")
