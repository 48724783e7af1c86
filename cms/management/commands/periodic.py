import time

from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.utils import timezone

from core.periodic import registered


class Command(BaseCommand):
    help = "Enqueue the periodic tasks that are due (once, or --loop to keep doing it every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running; check every minute.")

    def handle(self, *args, loop: bool = False, **options):
        while True:
            self.enqueue_due()
            if not loop:
                return
            time.sleep(60)

    def enqueue_due(self) -> None:
        now = timezone.now()
        for path, periodic in registered().items():
            key = f"periodic:last:{path}"
            # add() is atomic in Redis: only one scheduler process enqueues a given run.
            if cache.add(key, now.isoformat(), timeout=int(periodic.every.total_seconds())):
                periodic.task.enqueue()
                self.stdout.write(f"enqueued {path}")
