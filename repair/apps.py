from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "repair"
    verbose_name = _("Repair")

    def ready(self):
        from django.urls import reverse

        from chat.registry import SubjectType, register_subject
        from repair.models import Repairer
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
