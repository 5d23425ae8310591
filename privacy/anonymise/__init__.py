"""Anonymisation that keeps the figures, and deletion of contacts never converted.

Three keyword-only services, each in one transaction, idempotent (a second call changes
nothing and returns False) and audited without any personal data in the record:

- ``dossier_anonymise(*, journey)``: a dossier past its period keeps its figures, loses
  names, contacts, free text and files;
- ``person_anonymise(*, user)``: the account becomes anonymous and unusable;
- ``journey_delete(*, journey)``: a first contact never converted is deleted, with its
  person when they have nothing else.
"""

from .contact import journey_delete
from .dossier import dossier_anonymise
from .person import person_anonymise

__all__ = ["dossier_anonymise", "journey_delete", "person_anonymise"]
