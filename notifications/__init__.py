"""Telling people what they must know: an enumerated catalogue of events, a transactional
outbox written with the change that causes it, delivery by e-mail and in-app after commit by
Celery, reminders and digests. Knows ids and context, never imports the domain apps."""
