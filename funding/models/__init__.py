"""The programme and its money: plan axes, programmes and their versioned call rules; after a
favourable avis, each financier's funding line, the convention, the tranches of payment and
the follow-up reports."""

from funding.models.award import (
    SETTLED_STATES,
    BankDetailsRequest,
    Condition,
    Convention,
    FollowUpReport,
    FundingInstrument,
    FundingLine,
    LineState,
    Tranche,
)
from funding.models.programme import (
    CallRuleVersion,
    PlanAxis,
    Programme,
    RequiredDocument,
    ScoringCriterion,
)

__all__ = [
    "SETTLED_STATES",
    "BankDetailsRequest",
    "CallRuleVersion",
    "Condition",
    "Convention",
    "FollowUpReport",
    "FundingInstrument",
    "FundingLine",
    "LineState",
    "PlanAxis",
    "Programme",
    "RequiredDocument",
    "ScoringCriterion",
    "Tranche",
]
