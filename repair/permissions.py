"""Who may do what with a repairer profile: the one place HTML views, the API and the admin ask."""

from accounts.models import Role
from repair.models import Repairer, Review


def is_editor(user) -> bool:
    """Municipal editors (and superusers) approve profiles, set the badge and edit any profile."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=Role.EDITOR).exists())
    )


def is_owner(user, repairer: Repairer) -> bool:
    return bool(user.is_authenticated and user.is_active and repairer.owners.filter(pk=user.pk).exists())


def can_view_repairer(user, repairer: Repairer) -> bool:
    """Published profiles for everyone; drafts, pending and suspended ones for their owners and
    editors only."""
    return repairer.is_public or is_owner(user, repairer) or is_editor(user)


def can_edit_repairer(user, repairer: Repairer) -> bool:
    """Owners and editors. A suspended profile is frozen for its owners until an editor acts."""
    if is_editor(user):
        return True
    return repairer.status != Repairer.Status.SUSPENDED and is_owner(user, repairer)


def can_create_repairer(user) -> bool:
    """Any signed-in account may register a business; it is published only after an editor
    approves it, and its owner gets the repairer role."""
    return bool(user.is_authenticated and user.is_active)


def can_set_verified(user) -> bool:
    return is_editor(user)


def can_review(user, repairer: Repairer) -> bool:
    """Signed-in people review published profiles, but not their own."""
    return bool(
        user.is_authenticated and user.is_active and repairer.is_public and not is_owner(user, repairer)
    )


def can_answer_review(user, review: Review) -> bool:
    return not review.answered_at and is_owner(user, review.repairer)


def is_review_moderator(user) -> bool:
    """Moderators handle reported reviews; the municipality's editors may too."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name__in=(Role.MODERATOR, Role.EDITOR)).exists())
    )


def can_report_review(user, review: Review) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and review.author_id != user.pk
        and review.hidden_at is None
        and review.repairer.is_public
    )


def can_request_quote(user, repairer: Repairer) -> bool:
    """Signed-in people ask published businesses that have an owner to answer (not their own)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and repairer.is_public
        and repairer.owners.exists()
        and not is_owner(user, repairer)
    )


def can_claim(user, repairer: Repairer) -> bool:
    """A signed-in account may ask to own a published profile that has no owner yet."""
    return bool(
        user.is_authenticated
        and user.is_active
        and repairer.status == Repairer.Status.PUBLISHED
        and not repairer.owners.exists()
    )


def can_log_repair(user) -> bool:
    return bool(user.is_authenticated and user.is_active)
