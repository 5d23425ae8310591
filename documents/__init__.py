"""Documents handed to us by applicants: checked (type by content, size, archives, active
content, antivirus when configured), stored outside the web root under random names, served
only through a permission-checked view.

Layout: ``validation`` refuses a file before anything is written (French messages);
``antivirus`` speaks clamd's INSTREAM protocol; ``services`` uploads and deletes;
``selectors`` says which documents a user may see; ``signals`` declares
``document_downloaded`` for the audit trail.

Dependency direction: a ``Document`` points at ``workflows.Application`` (string reference,
so only the migration depends on workflows). The code here imports workflows inside
functions only, so workflows may import documents at module level without a cycle.
"""
