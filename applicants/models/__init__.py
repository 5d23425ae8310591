from .people import Civility, ConsentPurpose, ConsentRecord, Person
from .projects import Project, ProjectStage, QpvDetermination, QpvOutcome, QpvSource, Sector
from .structures import EsusStatus, LegalForm, Structure
from .territory import Commune, QpvArea

__all__ = [
    "Civility",
    "Commune",
    "ConsentPurpose",
    "ConsentRecord",
    "EsusStatus",
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
