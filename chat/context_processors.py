from chat.selectors import unread_total


def unread(request):
    """The header badge's first value; static/js/unread-badge.js keeps it live."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_total": unread_total(user)}
