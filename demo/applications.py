"""A demo application opened from a ready journey, filed, then found complete and eligible."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation, User
from demo.clock import on_day
from demo.steps import take_step
from documents.services import document_upload
from funding.models import FundingInstrument
from workflows.application.checks import application_completeness, application_eligibility_decide
from workflows.application.drafts import application_save_draft
from workflows.application.flows import ApplicationFlow, application_open
from workflows.application.services import (
    application_submit,
    checklist_documents,
    financing_line_add,
)
from workflows.models import Application, Journey

DEMO_BUDGET = Decimal("90000")


def seed_application(
    journey: Journey,
    *,
    submit: bool,
    amount: Decimal = Decimal("15000"),
    budget: Decimal = Decimal("80000"),
    co_financer: Organisation | None = None,
) -> Application:
    """Open the application of a ready journey; fill and file it when ``submit``. A
    ``co_financer`` on the platform is sought for a solidarity loan in the plan."""
    holder = journey.holder.user
    application = application_open(journey=journey, actor=holder)
    values: dict[str, Any] = {
        "axis": "development",
        "requested_amount": amount,
        "jobs_planned_fte": Decimal("3"),
        "social_utility": "Des emplois durables et un service de proximité dans le quartier.",
    }
    if submit:
        values |= {"charges_total": budget, "produits_total": budget}
    application_save_draft(application=application, actor=holder, values=values)
    if submit:
        for document in checklist_documents(application=application):
            if document.is_mandatory:
                document_upload(
                    application=application,
                    actor=holder,
                    code=document.code,
                    uploaded_file=SimpleUploadedFile(
                        f"{document.code}.pdf", demo_pdf(document.label)
                    ),
                )
    if co_financer is not None:
        financing_line_add(
            application=application,
            actor=holder,
            financier_name=co_financer.name,
            instrument=FundingInstrument.PRET_SOLIDAIRE,
            amount=Decimal("20000"),
            organisation=co_financer,
        )
    if submit:
        take_step(
            application,
            ApplicationFlow.fill,
            holder,
            lambda a: application_submit(application=a, actor=holder),
        )
    application.refresh_from_db()
    return application


# Days after the filing at which MEL staff find the dossier complete, then eligible.
COMPLETE_AFTER, ELIGIBLE_AFTER = 5, 10


def seed_eligible(
    journey: Journey,
    staff: User,
    amount: Decimal,
    co_financer: Organisation | None,
    *,
    filed: int,
) -> Application:
    """Filed by the holder ``filed`` days ago, declared complete then eligible by MEL
    staff: the engine puts it on the agenda of the session open on that day."""
    with on_day(filed, 10):
        application = seed_application(
            journey, submit=True, amount=amount, budget=DEMO_BUDGET, co_financer=co_financer
        )
    with on_day(filed - COMPLETE_AFTER, 11):
        take_step(
            application,
            ApplicationFlow.completeness,
            staff,
            lambda a: application_completeness(application=a, actor=staff, complete=True),
        )
    with on_day(filed - ELIGIBLE_AFTER, 15):
        take_step(
            application,
            ApplicationFlow.eligibility,
            staff,
            lambda a: application_eligibility_decide(application=a, actor=staff, eligible=True),
        )
    application.refresh_from_db()
    return application


def demo_pdf(text: str) -> bytes:
    """A one-page PDF naming the document (the demo's files are real, small and clean)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = "%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{content}\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return body.encode("ascii")
