"""Business actions on applicants' data. Typed, keyword-only, never given a request."""

from .people import consent_record, person_equity_answer, person_register, person_update
from .projects import (
    project_assign_support_organisation,
    project_create,
    project_release_support_organisation,
    project_update,
)
from .structures import structure_save

__all__ = [
    "consent_record",
    "person_equity_answer",
    "person_register",
    "person_update",
    "project_assign_support_organisation",
    "project_create",
    "project_release_support_organisation",
    "project_update",
    "structure_save",
]
