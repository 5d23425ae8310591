"""Every form page, after a failed submit, as a screen reader meets it (RGAA 4.1 chapter 11):
help and errors tied to their field by ids that exist, no id twice on a page, an error summary
whose links lead to the fields, a title starting with "Erreur :", groups of choices in a
fieldset whose legend asks the question."""

from __future__ import annotations

from collections import Counter

import lxml.html
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation, User
from applicants.models import Commune, Project
from tests.factories.applicants import commune
from tests.workflows.application_helpers import (
    app_task,
    open_application,
    post_form,
    ready_journey,
    submitted_application,
)
from tests.workflows.conftest import act, open_task, submit_first_contact
from workflows.journey.forms import MessageForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def roubaix(db: None) -> Commune:
    obj = commune("59512", "Roubaix")
    obj.postal_codes = "59100"
    obj.save()
    return obj


def _page(response: object) -> lxml.html.HtmlElement:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return lxml.html.fromstring(response.content.decode())  # type: ignore[attr-defined]


def assert_ids_unique_and_references_exist(doc: lxml.html.HtmlElement) -> None:
    ids = Counter(doc.xpath("//@id"))
    assert not [i for i, n in ids.items() if n > 1], "ids en double"
    for element in doc.xpath("//*[@aria-describedby]"):
        for ref in element.get("aria-describedby").split():
            assert ref in ids, f"aria-describedby vers un id absent : {ref}"
    for label in doc.xpath("//label[@for]"):
        assert label.get("for") in ids, f"label sans champ : {label.get('for')}"


def assert_choice_groups_in_fieldsets(doc: lxml.html.HtmlElement) -> None:
    names = Counter(doc.xpath("//input[@type='checkbox']/@name"))
    for choice in doc.xpath("//input[@type='radio' or @type='checkbox']"):
        if choice.get("type") == "checkbox" and names[choice.get("name")] == 1:
            continue  # a single checkbox is its own question, with its label
        fieldsets = choice.xpath("ancestor::fieldset[legend]")
        assert fieldsets, f"groupe {choice.get('name')} sans fieldset ni legend"
        assert fieldsets[-1].find("legend").text_content().strip()


def assert_failed_form_page(doc: lxml.html.HtmlElement, *fields: str) -> None:
    """The page after a failed submit: title, summary with working links, every field in
    error marked and described by its error."""
    title = doc.findtext(".//title").replace("\u00a0", " ")
    assert title.startswith("Erreur : "), title
    summaries = doc.xpath("//*[@data-error-summary]")
    assert len(summaries) == 1
    assert "Il y a un problème" in summaries[0].text_content()
    targets = [href[1:] for href in summaries[0].xpath(".//a/@href")]
    assert targets, "le résumé ne renvoie vers aucun champ"
    for target in targets:
        assert doc.xpath("//*[@id=$id]", id=target), f"lien du résumé vers un id absent : {target}"
    for name in fields:
        controls = doc.xpath("//*[@name=$name][@aria-invalid='true']", name=name)
        groups = doc.xpath("//fieldset[.//*[@name=$name]]", name=name)
        assert controls, f"{name} n'est pas marqué aria-invalid"
        described = groups[-1] if groups else controls[0]  # a group is described as a whole
        error_id = described.get("aria-describedby").split()[-1]
        error = doc.xpath("//*[@id=$id]", id=error_id)[0].text_content()
        assert "Erreur" in error, error
    assert_ids_unique_and_references_exist(doc)
    assert_choice_groups_in_fieldsets(doc)


def test_the_public_first_contact_form_after_a_failed_submit(client: Client) -> None:
    doc = _page(client.post(reverse("workflows:first_contact"), {"email": "pas-une-adresse"}))
    assert_failed_form_page(doc, "email", "first_name", "consent")
    # Help and error of the same field are both named by its aria-describedby.
    email = doc.xpath("//input[@name='email']")[0]
    assert email.get("aria-describedby").split() == ["id_email_helptext", "id_email_error"]
    assert "(obligatoire)" in doc.xpath("//p[@class='form-convention']")[0].text_content()


def test_the_project_form_after_a_failed_submit(client: Client, applicant_a: User) -> None:
    client.force_login(applicant_a)
    response = client.post(reverse("applicants:project_create"), {"jobs_planned_fte": "abc"})
    assert_failed_form_page(_page(response), "title", "jobs_planned_fte")
    assert Project.objects.count() == 0


def test_the_application_form_after_a_failed_draft_save(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = ready_journey(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    application = open_application(client, journey)
    response = post_form(
        client, journey.holder.user, application, {"requested_amount": "beaucoup"}, "save"
    )
    doc = _page(response)
    assert_failed_form_page(doc, "requested_amount")
    assert doc.xpath("//input[@name='requested_amount']/@value") == ["beaucoup"]


def test_a_step_form_with_a_radio_group_after_a_failed_submit(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )
    doc = _page(act(client, incubator_x_member, open_task(journey, "orientation"), {}))
    assert_failed_form_page(doc, "answer")
    legend = doc.xpath("//fieldset[.//input[@name='answer']]/legend")[0].text_content()
    assert "Pouvez-vous accompagner ce projet" in legend
    # The summary leads to the first choice, which a click focuses.
    assert doc.xpath("//*[@data-error-summary]//a/@href") == ["#id_answer_0"]


def test_the_completeness_step_puts_radios_and_checkboxes_in_fieldsets(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    application = submitted_application(client, roubaix, mel_staff, incubator_x, incubator_x_member)
    client.force_login(mel_staff)
    task = app_task(application, "completeness")
    doc = _page(client.post(reverse("workflows:task", args=[task.pk]), {"items": ["nope"]}))
    assert_failed_form_page(doc, "decision")
    assert doc.xpath("//fieldset[.//input[@name='items']]/legend")


def test_the_journey_page_with_its_message_and_note_forms_has_each_id_once(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )
    act(client, incubator_x_member, open_task(journey, "orientation"), {"answer": "accept"})
    doc = _page(client.get(reverse("workflows:journey_detail", args=[journey.pk])))
    assert doc.xpath("//textarea[@id='id_body']")
    assert doc.xpath("//textarea[@id='id_note_body']")
    assert_ids_unique_and_references_exist(doc)
    assert not doc.findtext(".//title").startswith("Erreur")
    # Both forms still post their "body" to their own views.
    assert doc.xpath("//textarea[@name='body']/@id") == ["id_body", "id_note_body"]


def test_an_empty_message_brings_back_the_journey_page_titled_as_an_error(
    client: Client,
    roubaix: Commune,
    mel_staff: User,
    incubator_x: Organisation,
    incubator_x_member: User,
) -> None:
    journey = submit_first_contact(client, roubaix)
    act(
        client,
        mel_staff,
        open_task(journey, "triage"),
        {"decision": "orient", "organisation": incubator_x.pk},
    )
    client.force_login(incubator_x_member)
    url = reverse("workflows:message_post", args=[journey.pk])
    doc = _page(client.post(url, {"body": ""}, follow=True))
    assert doc.findtext(".//title").replace("\u00a0", " ").startswith("Erreur : ")
    assert "Le message n'a pas été envoyé" in doc.xpath("//*[@class='messages']")[0].text_content()
    again = _page(client.get(reverse("workflows:journey_detail", args=[journey.pk])))
    assert not again.findtext(".//title").startswith("Erreur")


def test_a_message_form_in_error_renders_the_same_through_form_and_include() -> None:
    form = MessageForm({"body": ""})
    doc = lxml.html.fromstring(f"<div>{form}</div>")
    body = doc.xpath("//textarea[@name='body']")[0]
    assert body.get("aria-invalid") == "true"
    assert body.get("aria-describedby") == "id_body_error"
    assert doc.xpath("//*[@id='id_body_error']")[0].text_content().strip().startswith("Erreur")
    assert doc.xpath("//*[@data-error-summary]//a/@href") == ["#id_body"]
    assert doc.xpath("//label[@for='id_body']")


def test_the_form_template_without_a_form_renders_nothing_rather_than_failing() -> None:
    assert render_to_string("includes/form.html", {}).strip() == ""
    assert render_to_string("includes/form.html", {"form": None}).strip() == ""
