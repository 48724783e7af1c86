import factory
from allauth.account.models import EmailAddress

from accounts.models import Profile, User
from places.geo import make_point
from places.models import Place

TEST_PASSWORD = "a-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    """A signed-up user with a verified email address and a profile."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            Profile.objects.create(user=obj, display_name=kwargs.get("display_name", f"Person {obj.pk}"))
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Testplass {n}")
    kind = Place.Kind.AREA
    point = factory.LazyFunction(lambda: make_point(59.89, 10.52))


def make_listing(
    *,
    owner=None,
    title="Sykkel gis bort",
    description="",
    kind="give",
    category="bicycles",
    condition="good",
    lat=59.9184,
    lon=10.5874,
    publish=True,
    **extra,
):
    """A listing created the way users create them (through the service, so the public point is
    fuzzed)."""
    from catalog.models import Category
    from marketplace.services import ListingData, listing_create

    data = ListingData(
        kind=kind,
        title=title,
        description=description,
        category=Category.objects.get(slug=category),
        condition=condition,
        location=make_point(lat, lon),
        **extra,
    )
    return listing_create(owner=owner or UserFactory(), data=data, publish=publish)


def mfa_enable(user, secret: str | None = None):
    """Give `user` an authenticator app (TOTP) as allauth's set-up does, and return the secret,
    from which `totp_code(secret)` makes the current code. Staff need one for staff screens."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if existing is not None:  # already set up (a user may be staff of two hubs)
        return existing.data["secret"]
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    return format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))


def StaffFactory(**kwargs):
    """A user who may open staff screens: MFA already set up."""
    user = UserFactory(**kwargs)
    mfa_enable(user)
    return user


def publish_page_under(parent, page):
    """`page` added under `parent` and published (a first revision)."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page
