"""Who may do what with a listing: the one place HTML views, the API and (later) WebSocket
consumers ask."""

from accounts.models import Role
from marketplace.models import Listing


def is_moderator(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.groups.filter(name=Role.MODERATOR).exists())
    )


def can_view_listing(user, listing: Listing) -> bool:
    """Public listings for everyone; drafts, finished and hidden ones for the owner, the person it
    was reserved for (they rate the exchange) and moderators only."""
    if listing.is_public:
        return True
    if not user.is_authenticated:
        return False
    return user.pk in (listing.owner_id, listing.reserved_for_id) or is_moderator(user)


def can_edit_listing(user, listing: Listing) -> bool:
    """Only the owner changes a listing (moderators hide it, which is a different action)."""
    return bool(user.is_authenticated and user.is_active and user.pk == listing.owner_id)
