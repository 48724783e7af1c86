from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"
    verbose_name = _("Categories and impact")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from catalog.models import Category, ImpactEntry, ImpactFactor
        from catalog.services import impact_changed

        # What the impact report is computed from (names and parents of categories included).
        for model in (ImpactEntry, ImpactFactor, Category):
            for signal in (post_save, post_delete):
                signal.connect(
                    impact_changed, sender=model, dispatch_uid=f"impact-{model.__name__}-{id(signal)}"
                )
