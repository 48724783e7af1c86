"""What a conversation can be about. Feature apps register their models in AppConfig.ready, so
chat never imports them (ARCHITECTURE.md, "Who may import whom")."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class SubjectType:
    name: str  # the API's "about.type": "listing", "item", "repairer"
    model: type[models.Model]
    owner_of: Callable[[models.Model], object]  # the user who answers conversations about it
    title_of: Callable[[models.Model], str]
    url_of: Callable[[models.Model], str]
    can_discuss: Callable[[object, models.Model], bool]  # may this user start a conversation?


_by_name: dict[str, SubjectType] = {}


def register_subject(subject_type: SubjectType) -> None:
    _by_name[subject_type.name] = subject_type


def subject_type(name: str) -> SubjectType | None:
    return _by_name.get(name)


def subject_type_of(obj: models.Model) -> SubjectType | None:
    for registered in _by_name.values():
        if isinstance(obj, registered.model):
            return registered
    return None
