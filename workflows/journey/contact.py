"""What a first contact brings (the public form's answers) and what taking it in gave."""

from __future__ import annotations

from dataclasses import dataclass

from applicants.models import Commune
from workflows.models import Journey


@dataclass(frozen=True)
class FirstContact:
    email: str
    first_name: str
    last_name: str
    phone: str
    title: str
    summary: str
    sector: str
    stage: str
    needs: str
    commune: Commune
    address: str = ""
    postal_code: str = ""
    structure_name: str = ""
    siret: str = ""
    # The information notice the person read on the form ("" = the one in force): a link
    # followed later records their consent to that one, not to a newer one.
    notice_version: str = ""


@dataclass(frozen=True)
class FirstContactResult:
    journey: Journey
    duplicate: bool
