from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "repair"
    verbose_name = _("Repair")

    def ready(self):
        from django.db.models.signals import post_delete
        from django.urls import reverse

        from chat.registry import SubjectType, register_subject
        from repair.models import Repairer, Review
        from repair.permissions import is_owner
        from repair.selectors import first_owner

        register_subject(
            SubjectType(
                name="repairer",
                model=Repairer,
                # Conversations have two parties: the first owner answers (quote requests may
                # later bring the other owners in).
                owner_of=first_owner,
                title_of=lambda repairer: repairer.name,
                url_of=lambda repairer: reverse("repair:detail", args=[repairer.slug]),
                can_discuss=lambda user, repairer: repairer.is_public and not is_owner(user, repairer),
            )
        )

        from accounts import privacy
        from repair.privacy import provider

        privacy.register(provider())

        # A review can disappear without repair.services: deleting an account cascades to its
        # reviews. The kept average must follow every deletion (docs/decisions/0016).
        post_delete.connect(_review_deleted, sender=Review, dispatch_uid="repair_review_rating")


def _review_deleted(sender, instance, **kwargs):
    from repair.services import ratings_refresh

    ratings_refresh(instance.repairer_id)
