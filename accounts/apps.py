from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes et organisations"

    def ready(self) -> None:
        from django.urls import register_converter

        from . import converters, french, permissions, receivers, search

        # Before any URLconf is read: the ``<id:…>`` of every project URL is bounded.
        register_converter(converters.BoundedIntConverter, "id")

        # Names sorted the French way on SQLite too (accounts.french.french_order), and the
        # lists' accent-blind search (accounts.search).
        connection_created.connect(
            french.register_sqlite_collation, dispatch_uid="accounts.french_collation"
        )
        connection_created.connect(
            search.register_sqlite_functions, dispatch_uid="accounts.sqlite_functions"
        )

        post_migrate.connect(
            receivers.sync_organisation_permissions,
            dispatch_uid="accounts.sync_organisation_permissions",
        )
        # migrate (and a test database flush) may recreate permissions under new ids.
        post_migrate.connect(
            permissions.permission_cache_clear, dispatch_uid="accounts.permission_cache_clear"
        )
        user_logged_in.connect(receivers.session_started, dispatch_uid="accounts.session_started")
