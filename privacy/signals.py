"""Signals of the privacy app, for the layers above it (which it may not import).

``dossier_anonymised`` is sent inside the anonymisation's transaction with ``objects``: the
dossier's records that other apps may have copied (the application and its funding lines);
a receiver removes its own copies (``api``: the webhook payloads that name the project).
"""

from django.dispatch import Signal

dossier_anonymised = Signal()
