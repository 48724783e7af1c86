"""Cross-links between feature apps that may not import each other (ARCHITECTURE.md): an app
registers a provider under a name in its AppConfig.ready; another asks by name and gets plain
offers back, or nothing when the provider's app is not installed."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Offer:
    title: str
    url: str
    detail: str = ""


_providers: dict[str, Callable[..., list[Offer]]] = {}

# "borrow_instead": lendable things near a point matching a search (q, category_ids, point).
BORROW_INSTEAD = "borrow_instead"


def register(name: str, provider: Callable[..., list[Offer]]) -> None:
    _providers[name] = provider


def offers(name: str, **query) -> list[Offer]:
    provider = _providers.get(name)
    return provider(**query) if provider is not None else []
