"""Every foreign key to the user model is either handled by an app's privacy provider (exported
and erased) or kept on purpose, with the reason written down. A new model that points at users
fails here until its app says what happens to it."""

from django.apps import apps
from django.conf import settings

from accounts import privacy


def user_foreign_keys() -> set[str]:
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return {
        f"{model._meta.label}.{field.name}"
        # include_auto_created: the tables behind many-to-many fields (Repairer.owners, groups)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.local_fields
        if field.is_relation and field.related_model is user_model
    }


def test_every_foreign_key_to_the_user_is_exported_and_erased_or_kept_with_a_reason():
    handled = privacy.covered_fields() | set(privacy.kept_fields())
    assert user_foreign_keys() - handled == set(), "add these to an app's privacy provider"


def test_the_registry_names_only_fields_that_exist():
    handled = privacy.covered_fields() | set(privacy.kept_fields())
    assert handled - user_foreign_keys() == set()
    assert not privacy.covered_fields() & set(privacy.kept_fields())


def test_every_kept_field_says_why():
    assert all(len(reason) > 20 for reason in privacy.kept_fields().values())


def test_every_app_with_personal_data_has_a_provider_with_notices():
    names = {p.name for p in privacy.providers()}
    assert names == {"konto", "gi-bort", "reparasjon", "laan", "meldinger", "arrangementer"}
    assert all(p.notices for p in privacy.providers())
    assert privacy.providers()[-1].name == "konto"  # the account itself is emptied last
