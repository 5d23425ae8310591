"""The checklist follows the files handed in: an item ticked by typing a file name, with no
file behind it, is unticked; an item with files takes the name of the latest one.

Nothing typed is lost: every name typed was written to the edit history
(``ApplicationEdit``, field ``doc_<code>``) when it was typed, and stays there. Going back
leaves the items as they are (the typed names cannot be told apart any more)."""

from django.db import migrations


def follow_uploads(apps, schema_editor):
    ChecklistItem = apps.get_model("workflows", "ChecklistItem")
    Document = apps.get_model("documents", "Document")
    latest: dict[tuple[int, str], str] = {}
    stored = (
        Document.objects.filter(deleted_at__isnull=True, application__isnull=False)
        .exclude(storage_name="")
        .order_by("uploaded_at", "pk")
        .values_list("application_id", "code", "original_name")
    )
    for application_id, code, name in stored.iterator():
        latest[(application_id, code)] = name  # the newest comes last
    for item in ChecklistItem.objects.select_related("document").iterator():
        name = latest.get((item.application_id, item.document.code))
        if name is None:
            item.delete()
        elif name != item.file_name:
            item.file_name = name
            item.save(update_fields=["file_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0012_moved_records_content_types"),
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="checklistitem",
            options={
                "verbose_name": "pièce jointe au dossier",
                "verbose_name_plural": "pièces jointes au dossier",
            },
        ),
        migrations.RunPython(follow_uploads, migrations.RunPython.noop),
    ]
