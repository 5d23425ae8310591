"""Records of the people's rights: the partners' access set aside while a consent is withdrawn."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SuspendedGrant(models.Model):
    """A partner organisation's object permission on an applicant's dossier, taken away while
    the applicant has withdrawn their consent to partner sharing (``privacy.sharing``), to be
    given back as it was when they consent again. Dropped when the relationship behind it
    ends in the meantime (``accounts.signals.access_revoked``)."""

    person = models.ForeignKey(
        "applicants.Person",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("porteur·se"),
    )
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_pk = models.CharField(max_length=255)
    suspended_at = models.DateTimeField(_("suspendu le"), default=timezone.now)

    class Meta:
        verbose_name = _("accès suspendu")
        verbose_name_plural = _("accès suspendus")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "permission", "object_pk"], name="suspended_grant_unique"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_pk"], name="suspended_object")]

    def __str__(self) -> str:
        return f"{self.permission.codename} {self.content_type.model}:{self.object_pk}"
