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


def item_answerer(item: Item):
    """Who answers a conversation about an item: the neighbour who lends it, or the hub's
    longest-serving active staff member (None when the hub has no staff: no conversation)."""
    if item.is_personal:
        return item.owner
    membership = (
        item.hub.memberships.filter(user__is_active=True)
        .select_related("user")
        .order_by("added_at", "pk")
        .first()
    )
    return membership.user if membership else None


def can_discuss_item(user, item: Item) -> bool:
    """Anyone signed in may ask about an item others can see; the people who lend it may write
    to someone who has booked it (the conversation's other party is checked by the caller)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if can_manage_item(user, item):
        return True
    return item.status == Item.Status.AVAILABLE
