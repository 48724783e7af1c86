"""Tasks that run on a schedule. Apps register them in AppConfig.ready; `manage.py periodic`
enqueues each when it is due (the Django Tasks API has no scheduler of its own). Every periodic
task must be idempotent: running it twice does no harm."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Periodic:
    task: object  # a django_tasks Task
    every: timedelta


_registry: dict[str, Periodic] = {}


def register(task, *, every: timedelta) -> None:
    _registry[task.module_path] = Periodic(task=task, every=every)


def registered() -> dict[str, Periodic]:
    return dict(_registry)
