from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = "Programme et financements"

    def ready(self) -> None:
        # A financier of one member cannot countersign: said where organisations are edited.
        from accounts.warnings import organisation_check_register
        from funding.services.signatures import organisation_countersign_warnings

        organisation_check_register(
            lambda organisation: organisation_countersign_warnings(organisation=organisation)
        )
