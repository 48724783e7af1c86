"""Who may do what in lending: the one place HTML views and the API ask."""

from sharing.models import Hub, Item, Reservation


def is_hub_staff(user, hub: Hub | None) -> bool:
    return bool(
        hub is not None
        and user.is_authenticated
        and user.is_active
        and hub.memberships.filter(user_id=user.pk).exists()
    )


def can_manage_item(user, item: Item) -> bool:
    """Staff of the item's hub, or the resident who lends it. Approving, checking out and in."""
    if not (user.is_authenticated and user.is_active):
        return False
    if item.is_personal:
        return user.pk == item.owner_id
    return is_hub_staff(user, item.hub)


def can_view_reservation(user, reservation: Reservation) -> bool:
    """The borrower and whoever manages the item; nobody else sees who borrowed what."""
    return bool(
        user.is_authenticated
        and (user.pk == reservation.borrower_id or can_manage_item(user, reservation.item))
    )
