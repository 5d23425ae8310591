"""PostgreSQL's ``unaccent`` for the lists' search (``accounts.search``). The operation does
nothing on SQLite, where the function is registered on each connection instead."""

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [UnaccentExtension()]
