"""Demonstration and load data: ``manage.py seed_demo`` drives the real services to put a
dossier at every stage, and ``seed_demo --scale N`` stamps copies of them for benchmarks.
Nothing else imports this app; never load its data into a real deployment."""
