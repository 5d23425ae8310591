from django.apps import AppConfig
from django.db.models.signals import post_delete


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from audit import receivers as audit_receivers
        from workflows.application.attachments import attachments_register

        from . import receivers
        from .models import Document
        from .services import DocumentStore
        from .signals import document_downloaded

        # The application's pages reach uploads through this store (they sit a layer below).
        attachments_register(DocumentStore())
        post_delete.connect(
            receivers.delete_stored_file,
            sender=Document,
            dispatch_uid="documents.delete_stored_file",
        )
        # Downloads go to the audit trail (the trail knows nothing of documents).
        document_downloaded.connect(
            audit_receivers.document_downloaded, dispatch_uid="audit.download"
        )
