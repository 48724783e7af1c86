"""The editorial workflow's one task: "an editor writes, a second editor approves". Members of
the task's groups approve, except the person who submitted the page and the author of the
revision under review: nobody publishes their own text. Re-exported from cms.models."""

from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask


def _own_work(obj, user) -> bool:
    """Whether `user` submitted `obj` for review or wrote its latest revision."""
    state = getattr(obj, "current_workflow_state", None)
    if state is not None and state.requested_by_id == user.pk:
        return True
    revision = obj.get_latest_revision() if hasattr(obj, "get_latest_revision") else None
    return revision is not None and revision.user_id == user.pk


class SecondEditorApprovalTask(AbstractGroupApprovalTask):
    def get_actions(self, obj, user):
        if _own_work(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        return states.exclude(workflow_state__requested_by=user).exclude(revision__user=user)

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve, but never the page's own submitter or author")

    class Meta:
        verbose_name = _("second editor approval")
        verbose_name_plural = _("second editor approvals")
