from django.apps import AppConfig
from django.db.models.signals import post_delete


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from . import receivers
        from .models import Document

        post_delete.connect(
            receivers.delete_stored_file,
            sender=Document,
            dispatch_uid="documents.delete_stored_file",
        )
