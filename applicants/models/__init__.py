from .people import AgeBand, Civility, ConsentPurpose, ConsentRecord, Gender, Person
from .projects import Project, ProjectStage, QpvDetermination, QpvOutcome, QpvSource, Sector
from .structures import EsusStatus, LegalForm, Structure
from .territory import Commune, QpvArea

__all__ = [
    "AgeBand",
    "Civility",
    "Commune",
    "ConsentPurpose",
    "ConsentRecord",
    "EsusStatus",
    "Gender",
    "LegalForm",
    "Person",
    "Project",
    "ProjectStage",
    "QpvArea",
    "QpvDetermination",
    "QpvOutcome",
    "QpvSource",
    "Sector",
    "Structure",
]
