"""The editorial workflow: an editor writes, a second editor approves; scheduled publishing;
revisions; editors and moderators with distinct permissions."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from accounts.models import Role
from accounts.services import user_add_role
from cms.models import GuidePage, SecondEditorApprovalTask, TopicIndexPage
from cms.tasks import pages_publish_scheduled
from tests.factories import StaffFactory


def _user(role: Role, **extra):
    user = StaffFactory(is_staff=True, **extra)  # the admin requires MFA
    user_add_role(user=user, role=role)
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def topics(site, roles):
    index = TopicIndexPage(title="Guider", slug="guider", intro="")
    site.add_child(instance=index)
    index.save_revision().publish()
    return index


@pytest.fixture
def writer(roles):
    return _user(Role.EDITOR)


@pytest.fixture
def second_editor(roles):
    return _user(Role.EDITOR)


def _guide_form(action: str, **fields) -> dict:
    data = {
        "title": "Slik lapper du en jakke",
        "slug": "lappe-jakke",
        "intro": "Et hull i jakka er fort gjort å fikse.",
        "body": streamfield(
            [
                (
                    "steps",
                    {
                        "heading": "Slik gjør du",
                        "steps": streamfield(
                            [
                                (
                                    "item",
                                    {"title": "Finn en lapp", "text": rich_text("<p>Av samme stoff.</p>")},
                                ),
                                ("item", {"title": "Sy den på", "text": rich_text("<p>Med små sting.</p>")}),
                            ]
                        ),
                    },
                ),
            ]
        ),
        action: action.split("-", 1)[1] if "-" in action else action,
    }
    data.update(fields)
    return nested_form_data(data)


def _submit_new_guide(client: Client, topics, **fields) -> GuidePage:
    response = client.post(
        f"/cms/pages/add/cms/guidepage/{topics.pk}/", _guide_form("action-submit", **fields)
    )
    assert response.status_code == 302, response.content[:3000]
    return GuidePage.objects.get(slug="lappe-jakke")


def _refused(response) -> bool:
    """Wagtail's admin answers a refused action with 403 or a redirect to the dashboard."""
    return response.status_code == 403 or (response.status_code == 302 and response["Location"] == "/cms/")


def _task_state(page) -> TaskState:
    return TaskState.objects.get(workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS)


def _approve(client: Client, page):
    state = _task_state(page)
    return client.post(f"/cms/pages/workflow/action/{page.pk}/approve/{state.pk}/", {"comment": ""})


def test_the_site_tree_has_the_second_editor_workflow(topics):
    workflow = topics.get_workflow()
    assert workflow is not None and workflow.active
    task = workflow.tasks.get().specific
    assert isinstance(task, SecondEditorApprovalTask)
    assert list(task.groups.values_list("name", flat=True)) == [Role.EDITOR.value]


def test_submitted_guide_is_in_moderation_and_not_live(writer, topics):
    page = _submit_new_guide(_client(writer), topics)
    assert not page.live
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == writer


def test_editor_cannot_publish_a_page_directly(writer, topics):
    client = _client(writer)
    response = client.post(f"/cms/pages/add/cms/guidepage/{topics.pk}/", _guide_form("action-publish"))
    page = GuidePage.objects.filter(slug="lappe-jakke").first()
    assert response.status_code in (200, 302, 403)
    assert page is None or not page.live


def test_submitter_cannot_approve_their_own_page(writer, topics):
    client = _client(writer)
    page = _submit_new_guide(client, topics)
    assert _refused(_approve(client, page))
    page.refresh_from_db()
    assert not page.live
    assert _task_state(page).status == TaskState.STATUS_IN_PROGRESS


def test_submitter_does_not_see_their_own_page_as_awaiting_their_review(writer, second_editor, topics):
    page = _submit_new_guide(_client(writer), topics)
    assert not TaskState.objects.reviewable_by(writer).exists()
    assert list(TaskState.objects.reviewable_by(second_editor)) == [_task_state(page)]


def test_second_editor_approves_and_the_guide_goes_live(writer, second_editor, topics):
    page = _submit_new_guide(_client(writer), topics)
    assert _approve(_client(second_editor), page).status_code == 302
    page.refresh_from_db()
    assert page.live
    assert Client().get(page.url).status_code == 200
    assert page.revisions.count() >= 1


def test_an_editor_who_changed_the_page_under_review_cannot_approve_it(writer, second_editor, topics):
    page = _submit_new_guide(_client(writer), topics)
    page.title = "Slik lapper du en jakke (rettet)"
    page.save_revision(user=second_editor)
    assert _refused(_approve(_client(second_editor), page))
    third = _user(Role.EDITOR)
    assert _approve(_client(third), page).status_code == 302
    page.refresh_from_db()
    assert page.live and page.title.endswith("(rettet)")


def test_moderator_cannot_approve_or_publish_pages(writer, topics, roles):
    moderator = _client(_user(Role.MODERATOR))
    page = _submit_new_guide(_client(writer), topics)
    assert _refused(_approve(moderator, page))
    assert moderator.get(f"/cms/pages/add/cms/guidepage/{topics.pk}/").status_code in (302, 403)
    assert moderator.post(f"/cms/pages/{page.pk}/edit/", _guide_form("action-publish")).status_code in (
        302,
        403,
    )
    page.refresh_from_db()
    assert not page.live


def test_scheduled_guide_goes_live_only_at_its_time(writer, second_editor, topics):
    go_live = timezone.now() + timedelta(hours=2)
    page = _submit_new_guide(_client(writer), topics, go_live_at=go_live.strftime("%Y-%m-%d %H:%M"))
    assert _approve(_client(second_editor), page).status_code == 302
    page.refresh_from_db()
    assert not page.live
    assert page.get_latest_revision().approved_go_live_at is not None
    assert Client().get("/guider/lappe-jakke/").status_code == 404

    # Time passes: move the scheduled revision's time into the past instead of waiting.
    revision = page.get_latest_revision()
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    pages_publish_scheduled.enqueue()  # the test settings run tasks immediately
    page.refresh_from_db()
    assert page.live


def test_revisions_can_be_compared(writer, second_editor, topics):
    page = _submit_new_guide(_client(writer), topics)
    first = page.get_latest_revision()
    page.intro = "Ny ingress"
    second = page.save_revision(user=writer)
    response = _client(second_editor).get(f"/cms/pages/{page.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert response.status_code == 200
    assert "Ny ingress" in response.content.decode()


def test_editor_cannot_see_reported_conversations_or_listing_reports(writer):
    client = _client(writer)
    assert _refused(client.get("/cms/samtaler/"))
    assert _refused(client.get("/cms/moderering/"))
    html = client.get("/cms/").content.decode()
    assert "/cms/samtaler/" not in html and "/cms/moderering/" not in html


def test_moderator_still_sees_reported_conversations(roles):
    """The refusal above is about the role, not a broken view."""
    assert _client(_user(Role.MODERATOR)).get("/cms/samtaler/").status_code == 200


def test_editor_cannot_open_a_private_conversation_in_the_admin(writer):
    # Refused before the conversation is even looked up.
    assert _refused(_client(writer).get("/cms/samtaler/1/"))


def test_unpublished_page_is_not_visible_anonymously(topics):
    draft = GuidePage(title="Utkast", slug="utkast", intro="Ikke ferdig", body=[], live=False)
    topics.add_child(instance=draft)
    draft.save_revision()
    assert Client().get("/guider/utkast/").status_code == 404
    assert "Utkast" not in Client().get("/guider/").content.decode()
    assert not Page.objects.live().filter(pk=draft.pk).exists()
