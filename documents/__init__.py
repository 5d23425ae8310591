"""Documents handed to us by applicants: checked (type by content, size, archives, active
content, antivirus when configured), stored outside the web root under random names, served
only through a permission-checked view.

Layout: ``validation`` refuses a file before anything is written (French messages);
``antivirus`` speaks clamd's INSTREAM protocol; ``services`` uploads and deletes;
``selectors`` says which documents a user may see; ``signals`` declares
``document_downloaded`` for the audit trail.

Dependency direction: ``documents`` sits above the stages (it imports the application's
services and records). The application's pages reach it through the store they declare
(``workflows.application.attachments``), registered here in ``DocumentsConfig.ready``.
"""
