"""What happens when the editorial workflow is approved (settings.WAGTAIL_FINISH_WORKFLOW_ACTION).
A module of its own: Wagtail imports it while its models load, so it imports no models."""


def publish_approved(workflow_state, user=None) -> None:
    """WAGTAIL_FINISH_WORKFLOW_ACTION: publish (or schedule) the approved revision. Editors
    have no publish permission of their own, so that nobody can skip the second editor; the
    task already checked that the approver is another editor, so Wagtail's publish permission
    check is skipped here, and only here."""
    workflow_state.content_object.get_latest_revision().publish(user=user, skip_permission_checks=True)
