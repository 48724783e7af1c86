"""Privacy rights across the apps (ARCHITECTURE.md: the ground floor never reaches up). Every app
that keeps something about a person registers a Provider in its AppConfig.ready:

- `export(user)` returns that app's part of the person's copy of their data: a JSON-able dict
  and the stored photos to put beside it in the ZIP;
- `erase(user)` removes or anonymises what the app keeps about the person when they delete
  their account. It runs inside the deletion's transaction and must be idempotent;
- `covers` names every foreign key to the user the provider handles ("app_label.Model.field"),
  `kept` the ones it deliberately leaves alone, each with the reason. A test compares these with
  every foreign key to the user model that exists, so a new one cannot be forgotten;
- `notices` say on the privacy page what is stored, why, on which legal basis and for how long.
  Periods come from the same constants the retention jobs use.

accounts.services builds the export and runs the deletion from this registry.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.functional import Promise


@dataclass(frozen=True)
class ExportFile:
    """A stored file (a name in the default storage) and where it goes in the ZIP."""

    storage_name: str
    archive_name: str


@dataclass(frozen=True)
class ExportPart:
    data: dict
    files: list[ExportFile] = field(default_factory=list)


@dataclass(frozen=True)
class Notice:
    """One line of the privacy page: what is stored, why, on which basis, for how long."""

    what: str | Promise
    why: str | Promise
    basis: str | Promise
    kept: str | Promise


@dataclass(frozen=True)
class Provider:
    name: str  # the JSON file in the export: "<name>.json"
    title: str | Promise
    export: Callable[..., ExportPart]
    erase: Callable[..., None]
    covers: tuple[str, ...] = ()
    kept: dict[str, str] = field(default_factory=dict)
    notices: tuple[Notice, ...] = ()
    # Lower runs first when erasing; accounts' own part runs last (it changes the email address
    # and the name the others' notices may still read).
    order: int = 0


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    _providers[provider.name] = provider


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.name))


def covered_fields() -> set[str]:
    return {name for p in _providers.values() for name in p.covers}


def kept_fields() -> dict[str, str]:
    return {name: reason for p in _providers.values() for name, reason in p.kept.items()}


def days(period: timedelta) -> int:
    return period.days


def photo_files(app: str, folder: str, photos) -> list[ExportFile]:
    """The cleaned originals of `photos` (rows with `original`), named by folder and row id in the
    ZIP. Renditions are smaller copies of the same picture and are left out."""
    files = []
    for photo in photos:
        name = photo.original.name
        extension = name.rsplit(".", 1)[-1] if "." in name else "jpg"
        files.append(ExportFile(name, f"photos/{app}/{folder}/{photo.pk}.{extension}"))
    return files


def point(value) -> dict | None:
    """A point as {"lat", "lon"} (only ever for the person's own points)."""
    if value is None:
        return None
    return {"lat": round(value.y, 6), "lon": round(value.x, 6)}
