"""Signals of the documents app (declared only; receivers live with their app)."""

from django.dispatch import Signal

# Sent after a document was opened for download. Provides: document, user.
document_downloaded = Signal()
