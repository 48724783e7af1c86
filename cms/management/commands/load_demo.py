from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import profile_ensure, roles_ensure, user_add_role
from cms.demo import demo_pages_ensure
from cms.demo_translations import demo_translations_ensure
from cms.events.demo import demo_events_ensure
from cms.services import impact_pages_ensure, site_ensure
from marketplace.demo import demo_listings_ensure
from places.models import Place
from repair.demo import demo_repairers_ensure
from sharing.demo import demo_lending_ensure

DEMO_PASSWORD = "sirkel-demo-2026"  # noqa: S105  (demo data only, printed in the README)
DEMO_USERS = [
    # email, display name, role, home place, staff (Wagtail admin)
    ("innbygger@sirkel.test", "Ingrid Innbygger", Role.RESIDENT, "Bekkestua", False),
    ("reparator@sirkel.test", "Rune Reparatør", Role.REPAIRER, "Sandvika", False),
    ("utlan@sirkel.test", "Ulla Utlån", Role.HUB_STAFF, "Fornebu", False),
    ("redaktor@sirkel.test", "Randi Redaktør", Role.EDITOR, "Sandvika", True),
    # A second editor: pages go live when another editor approves them (cms.workflow).
    ("redaktor2@sirkel.test", "Erik Redaktør", Role.EDITOR, "Bekkestua", True),
    ("moderator@sirkel.test", "Morten Moderator", Role.MODERATOR, "Stabekk", True),
]


class Command(BaseCommand):
    help = "Load demo data for people to click around in (idempotent). Not used by tests."

    @transaction.atomic
    def handle(self, *args, **options):
        call_command("load_places", verbosity=0)
        roles_ensure()
        home = site_ensure()
        impact_pages_ensure(home)
        for email, name, role, place_name, staff in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, is_staff=staff)
            profile = profile_ensure(user=user, display_name=name)
            profile.home_place = Place.objects.filter(name=place_name).first()
            profile.save(update_fields=["home_place"])
            user_add_role(user=user, role=role)
            user.emailaddress_set.update_or_create(email=email, defaults={"verified": True, "primary": True})
        admin = User.objects.filter(email="admin@sirkel.test").first()
        if admin is None:
            admin = User.objects.create_superuser(email="admin@sirkel.test", password=DEMO_PASSWORD)
        profile_ensure(user=admin, display_name="Admin")
        admin.emailaddress_set.update_or_create(
            email=admin.email, defaults={"verified": True, "primary": True}
        )
        made = demo_listings_ensure()
        items = demo_lending_ensure()
        repairers = demo_repairers_ensure(demo_owner=User.objects.get(email="reparator@sirkel.test"))
        pages = demo_pages_ensure(home)
        pages += demo_events_ensure(home)
        # Last: English versions of whichever main pages the steps above made.
        for note in demo_translations_ensure():
            self.stdout.write(f"translations: {note}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data is in place ({made} new listings, {items} new lendable items,"
                f" {repairers} new repairers, {pages} new pages)."
            )
        )
