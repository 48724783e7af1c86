from django.core.management.base import BaseCommand

from places.services import places_load


class Command(BaseCommand):
    help = "Load (or refresh) the Bærum gazetteer from places/data/baerum_places.json."

    def handle(self, *args, **options):
        created, updated = places_load()
        if options["verbosity"]:
            self.stdout.write(f"Places: {created} created, {updated} updated.")
