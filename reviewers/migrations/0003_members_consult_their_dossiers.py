"""Members whose scorings were opened before the ``consult`` grant existed get it now: a
member with an open scoring of a dossier on the agenda, and no conflict declared on it, may
read its documents
(``reviewers.services.selection.scorings_opened`` grants it from now on)."""

from django.db import migrations
from django.db.models import F


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    Scoring = apps.get_model("reviewers", "Scoring")
    ConflictDeclaration = apps.get_model("reviewers", "ConflictDeclaration")
    # Only scorings still to be used: not cancelled, on the session of a dossier waiting for
    # its committee (the services revoke the grant when a session changes or at the avis).
    pairs = set(
        Scoring.objects.filter(dossier__stage="on_agenda", session=F("dossier__committee_session"))
        .exclude(status="CANCELED")
        .values_list("member_id", "dossier_id")
    )
    pairs -= set(ConflictDeclaration.objects.values_list("member_id", "application_id"))
    if not pairs:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="workflows", model="application")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="consult_application",
        defaults={"name": "Lire les pièces du dossier qu'on note (comité)"},
    )
    for member_id, dossier_id in sorted(pairs):
        UserObjectPermission.objects.get_or_create(
            user_id=member_id,
            permission=permission,
            content_type=content_type,
            object_pk=str(dossier_id),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reviewers", "0002_selection_records_from_workflows"),
        ("workflows", "0014_consult_permission"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
