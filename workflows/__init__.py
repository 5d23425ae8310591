"""The engine of the dossier and its first two stages.

The engine: ``engine`` (a step completed safely), ``steps`` (one page per human node),
``routing`` (the one route of every step), ``locking``, ``notify`` (who is told what),
``inbox`` (the steps waiting for someone), ``catalogue`` (every flow by name) and the
dossier's records (``models``: journeys, applications, messages). The stages:
``journey`` (first contact, triage, orientation, support) and ``application`` (filling,
completeness, eligibility); the selection is in ``reviewers`` and the award in ``funding``.
See the README's "Architecture" for the layers and the contracts that keep them."""
