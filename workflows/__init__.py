"""The entrepreneur's journey as BPMN flows (django-viewflow): first contact, triage,
orientation, support, application, completeness, eligibility, selection, funding, convention
and follow-up. Flows orchestrate; the business actions they call live in the other apps'
services. This package depends on every domain app and none depends on it."""
