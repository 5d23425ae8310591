"""Retention of personal data in code: one rule per kind of record (``rules.RULES``), run
each night by ``privacy.tasks`` and shown to the DPO."""
