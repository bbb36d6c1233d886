"""The idempotency keys of entries sent from the offline form."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FieldSubmission(models.Model):
    """One entry of the offline form that was saved: the key the phone made
    for it, and the business it became. A phone that sends the same entry
    again (the answer was lost with the signal) gets this business back
    instead of a second one. Entries refused or in conflict leave no row:
    nothing was saved, the phone keeps them."""

    key = models.CharField(_("kunci isian"), max_length=36)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("wilayah"), on_delete=models.CASCADE, related_name="+"
    )
    business = models.ForeignKey(
        "umkm.Business",
        verbose_name=_("usaha"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikirim oleh"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("diterima"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("isian lapangan")
        verbose_name_plural = _("isian lapangan")
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["key"],
                name="umkm_field_key_once",
                violation_error_message=_("Isian dengan kunci ini sudah diterima."),
            )
        ]

    def __str__(self) -> str:
        return self.key
