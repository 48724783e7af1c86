import json
import threading

import pytest
from django.db import connection

from repair.models import Repairer, Review
from repair.selectors import RepairerSearch, repairer_search
from repair.services import RepairerError, review_answer, review_delete, review_save
from tests.factories import UserFactory
from tests.factory_repair import make_repairer
from tests.support import login

pytestmark = pytest.mark.usefixtures("places", "site")


def test_a_review_is_one_per_person_and_editable_and_the_average_follows(db):
    repairer = make_repairer()
    kari, ola = UserFactory(), UserFactory()
    first, created = review_save(repairer=repairer, author=kari, rating=5, text="Rask og billig.")
    assert created
    review_save(repairer=repairer, author=ola, rating=2, text="Tok lang tid.")
    again, created = review_save(repairer=repairer, author=kari, rating=4, text="Rask, men ikke billig.")
    assert not created and again.pk == first.pk
    repairer.refresh_from_db()
    assert (float(repairer.rating_avg), repairer.rating_count) == (3.0, 2)
    review_delete(review=again)
    repairer.refresh_from_db()
    assert (float(repairer.rating_avg), repairer.rating_count) == (2.0, 1)


def test_owners_cannot_review_their_own_business(owner):
    repairer = make_repairer(owner=owner)
    with pytest.raises(RepairerError) as refused:
        review_save(repairer=repairer, author=owner, rating=5, text="Best i byen!")
    assert refused.value.status == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("rating", "text", "field"), [(0, "Ok", "rating"), (6, "Ok", "rating"), (3, "  ", "text")]
)
def test_rating_1_to_5_and_a_text_are_required(db, rating, text, field):
    with pytest.raises(RepairerError) as refused:
        review_save(repairer=make_repairer(), author=UserFactory(), rating=rating, text=text)
    assert refused.value.field == field


def test_unpublished_profiles_cannot_be_reviewed(db):
    with pytest.raises(RepairerError):
        review_save(repairer=make_repairer(status="draft"), author=UserFactory(), rating=4, text="Hm")


def test_the_owner_answers_once_and_others_cannot(owner):
    repairer = make_repairer(owner=owner)
    review, _ = review_save(repairer=repairer, author=UserFactory(), rating=3, text="Greit nok.")
    with pytest.raises(RepairerError) as refused:
        review_answer(review=review, owner=UserFactory(), text="Takk!")
    assert refused.value.status == 403
    review_answer(review=review, owner=owner, text="Takk for tilbakemeldingen!")
    with pytest.raises(RepairerError) as twice:
        review_answer(review=review, owner=owner, text="Igjen")
    assert twice.value.status == 409
    review.refresh_from_db()
    assert review.answer == "Takk for tilbakemeldingen!" and review.answered_by == owner


def test_order_by_rating_puts_unreviewed_last(db):
    good, poor, none = make_repairer(name="God"), make_repairer(name="Dårlig"), make_repairer(name="Ukjent")
    review_save(repairer=good, author=UserFactory(), rating=5, text="Topp")
    review_save(repairer=poor, author=UserFactory(), rating=2, text="Nja")
    assert [r.name for r in repairer_search(RepairerSearch(ordering="rating"))] == ["God", "Dårlig", "Ukjent"]
    assert none.rating_count == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_reviews_keep_the_count_right(places):
    from catalog.services import categories_load

    categories_load()  # a transactional test may follow a flush that emptied the taxonomy
    repairer = make_repairer()
    authors = [UserFactory() for _ in range(6)]
    errors = []

    def write(author, rating):
        try:
            review_save(repairer=repairer, author=author, rating=rating, text="Parallell")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(a, n % 5 + 1)) for n, a in enumerate(authors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    repairer.refresh_from_db()
    assert repairer.rating_count == 6
    assert float(repairer.rating_avg) == round(sum(n % 5 + 1 for n in range(6)) / 6, 2)


# --- HTML and API ---------------------------------------------------------------------------------


def test_a_resident_reviews_on_the_profile_page_and_sees_the_average(db):
    repairer = make_repairer()
    client = login(UserFactory(profile__display_name="Kari"))
    response = client.post(
        f"/reparasjon/{repairer.slug}/vurdering/", {"rating": "4", "text": "Fikset sykkelen på en dag."}
    )
    assert response.status_code == 302
    html = client.get(f"/reparasjon/{repairer.slug}/").content.decode()
    assert "4 av 5 fra Kari" in html and "Fikset sykkelen på en dag." in html
    assert "4,0 av 5 (1 vurdering)" in html
    assert "Endre vurderingen din" in html
    bad = client.post(f"/reparasjon/{repairer.slug}/vurdering/", {"rating": "9", "text": "Det du skrev"})
    assert bad.status_code == 400  # the profile again, with the text kept and the error by the field
    assert "Det du skrev" in bad.content.decode() and 'aria-invalid="true"' in bad.content.decode()
    assert Review.objects.get().rating == 4


def test_the_owner_cannot_review_but_answers_on_the_page(owner, owner_client):
    repairer = make_repairer(owner=owner)
    assert (
        owner_client.post(
            f"/reparasjon/{repairer.slug}/vurdering/", {"rating": "5", "text": "Best"}
        ).status_code
        == 403
    )
    review, _ = review_save(repairer=repairer, author=UserFactory(), rating=2, text="Treg")
    page = owner_client.get(f"/reparasjon/{repairer.slug}/").content.decode()
    assert "Skriv en vurdering" not in page and 'name="answer"' in page
    owner_client.post(
        f"/reparasjon/{repairer.slug}/vurdering/{review.pk}/svar/", {"answer": "Beklager ventetiden."}
    )
    review.refresh_from_db()
    assert review.answer == "Beklager ventetiden."
    stranger = login(UserFactory())
    other = review_save(repairer=repairer, author=UserFactory(), rating=3, text="Ok")[0]
    assert (
        stranger.post(
            f"/reparasjon/{repairer.slug}/vurdering/{other.pk}/svar/", {"answer": "Hei"}
        ).status_code
        == 403
    )


def test_anonymous_must_sign_in_to_review(client, db):
    repairer = make_repairer()
    assert (
        "Logg inn for å skrive en vurdering" in client.get(f"/reparasjon/{repairer.slug}/").content.decode()
    )
    response = client.post(f"/reparasjon/{repairer.slug}/vurdering/", {"rating": "5", "text": "x"})
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_api_rating_fields_and_reviews(db):
    repairer = make_repairer()
    author = UserFactory(profile__display_name="Ola")
    client = login(author)
    post = client.post(
        f"/api/v1/repairers/{repairer.pk}/reviews",
        json.dumps({"rating": 5, "text": "Supert"}),
        content_type="application/json",
    )
    assert post.status_code == 201, post.content
    again = client.post(
        f"/api/v1/repairers/{repairer.pk}/reviews",
        json.dumps({"rating": 4, "text": "Bra"}),
        content_type="application/json",
    )
    assert again.status_code == 200
    bad = client.post(
        f"/api/v1/repairers/{repairer.pk}/reviews",
        json.dumps({"rating": 7, "text": "?"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "rating" in bad.json()["errors"]
    listed = client.get(f"/api/v1/repairers/{repairer.pk}/reviews").json()
    assert (
        listed["count"] == 1
        and listed["results"][0]["author"] == "Ola"
        and listed["results"][0]["rating"] == 4
    )
    result = client.get("/api/v1/repairers").json()["results"][0]
    assert (result["rating_avg"], result["rating_count"]) == (4.0, 1)
    Repairer.objects.filter(pk=repairer.pk).update(status="draft")
    assert client.get(f"/api/v1/repairers/{repairer.pk}/reviews").status_code == 404
