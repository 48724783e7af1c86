"""Reads of the audit log (accounts.AuditEntry) for the apps' moderation screens."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from accounts.models import AuditEntry


def _about(target) -> Q:
    return Q(target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk))


def audit_entries_for(target) -> QuerySet[AuditEntry]:
    """What was done to this one object, newest first."""
    return AuditEntry.objects.filter(_about(target)).select_related("actor__profile")


def audit_entries_about(
    *, targets: Iterable = (), within: Iterable[QuerySet] = (), subject=None
) -> QuerySet[AuditEntry]:
    """What was done to any of `targets`, to any row of the querysets in `within` (e.g. a
    repairer's reviews), or concerning the person `subject`; newest first."""
    condition = Q(pk__in=[])
    for target in targets:
        condition |= _about(target)
    for queryset in within:
        ids = queryset.order_by().annotate(audit_id=Cast("pk", CharField())).values("audit_id")
        condition |= Q(target_type=ContentType.objects.get_for_model(queryset.model), target_id__in=ids)
    if subject is not None:
        condition |= Q(subject=subject)
    return AuditEntry.objects.filter(condition).select_related("actor__profile")
