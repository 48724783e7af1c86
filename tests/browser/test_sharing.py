"""Lending in Chromium: a resident finds a kayak near Fornebu, opens its calendar, picks a day
with the keyboard, books it accepting the pledge and finds it under "my loans"; the hub's staff
approve it. axe on the list, the item with its calendar, the booking form (also with a conflict)
and the staff screen; a taken period is booked again in one click on the next free one."""

import re
from datetime import date

import pytest
from django.utils import timezone

from sharing.models import Reservation
from tests.factories import StaffFactory, UserFactory
from tests.sharing.conftest import days_ahead, make_hub, make_item
from tests.support import assert_no_axe_violations, sign_in

pytestmark = pytest.mark.browser


def _next_month_day(today: date, day: int) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, day)


def test_find_book_with_the_keyboard_and_approve(live_site, browser):
    staff = StaffFactory(profile__display_name="Siri i utlånet")  # the hub desk requires MFA
    resident = UserFactory(profile__display_name="Kari")
    hub = make_hub(staff=[staff], rules="Lever kajakken skylt og tørr.")
    make_item(
        hub=hub,
        title="Havkajakk",
        units=2,
        requires_approval=True,
        pledge="Plukk med deg søppel fra fjorden",
        accessories=("åre", "flytevest"),
    )
    make_item(hub=hub, title="Elsykkel", category="e-bikes")

    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_site, resident)

    page.goto(live_site.url + "/en/laan/")
    page.get_by_label("What do you want to borrow?").fill("kajakk")
    page.get_by_label("Near").fill("Fornebu")
    page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_role("link", name="Havkajakk").is_visible()
    assert page.get_by_role("link", name="Elsykkel").count() == 0
    assert "km away" in page.locator(".item-card").first.inner_text()
    assert_no_axe_violations(page, context="item list")

    page.get_by_role("link", name="Havkajakk").click()
    page.wait_for_url(re.compile(r".*/laan/\d+/$"))
    page.get_by_role("link", name=re.compile("^Next month")).click()
    day = _next_month_day(timezone.localdate(), 10)
    caption = page.locator("table.calendar__grid caption")
    assert caption.inner_text() == f"Availability in {day:%B %Y}"
    assert_no_axe_violations(page, context="item detail with calendar")

    # Keyboard: from the calendar's previous-month link, Tab through the day links to the 9th
    # (no JS needed), then the arrow keys (static/js/availability-calendar.js) to the 10th.
    nine = page.locator(f'a.calendar__pick[href$="start_date={day.replace(day=9).isoformat()}"]')
    pick = page.locator(f'a.calendar__pick[href$="start_date={day.isoformat()}"]')
    assert "free" in pick.inner_text()
    page.get_by_role("link", name=re.compile("^Previous month")).focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if nine.evaluate("element => element === document.activeElement"):
            break
    else:
        pytest.fail("the day's link was not reached with Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")
    assert pick.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/reserver/\?start_date=.*"))
    assert page.get_by_label("Pickup date").input_value() == day.isoformat()
    assert_no_axe_violations(page, context="booking form")

    page.get_by_label("I accept the pledge").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Book", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/laan/mine/$"))
    upcoming = page.locator("#upcoming")
    assert "Havkajakk" in upcoming.inner_text() and "Awaiting approval" in upcoming.inner_text()
    assert page.get_by_text("The lender will approve it").is_visible()
    reservation = Reservation.objects.get(borrower=resident)
    assert timezone.localtime(reservation.start).date() == day and reservation.pledge_accepted

    staff_page = browser.new_context(locale="nb-NO").new_page()
    staff_page.set_default_timeout(15_000)
    sign_in(staff_page, live_site, staff)
    staff_page.goto(live_site.url + f"/en/laan/sentral/{hub.slug}/")
    assert "Borrower: Kari" in staff_page.locator("#pending-heading + ul").inner_text()
    assert_no_axe_violations(staff_page, context="hub staff screen")
    staff_page.get_by_role("button", name="Approve").click()
    assert staff_page.get_by_text("Approved: Havkajakk for Kari").is_visible()
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"

    page.reload()
    assert "Confirmed" in page.locator("#upcoming").inner_text()
    assert_no_axe_violations(page, context="my loans")
    staff_page.context.close()
    context.close()


def test_a_taken_period_offers_the_next_free_one_in_one_click(live_site, page):
    resident = UserFactory(profile__display_name="Kari")
    item = make_item(hub=make_hub(), title="Lastesykkel", category="cargo-bikes")
    Reservation.objects.create(
        item=item,
        unit=item.units.get(),
        borrower=UserFactory(),
        start=days_ahead(3, 10),
        end=days_ahead(5, 10),
        status=Reservation.Status.CONFIRMED,
    )
    sign_in(page, live_site, resident)
    wanted = days_ahead(4, 10)
    page.goto(live_site.url + f"/en/laan/{item.pk}/reserver/?start_date={wanted.date().isoformat()}")
    page.get_by_role("button", name="Book", exact=True).click()
    assert page.get_by_role("alert").get_by_text("No Lastesykkel is free for that period").is_visible()
    assert page.get_by_role("heading", name="The next free period").is_visible()
    assert_no_axe_violations(page, context="booking form with a conflict")
    page.get_by_role("button", name="Book this period instead").click()
    page.wait_for_url(re.compile(r".*/laan/mine/$"))
    reservation = Reservation.objects.get(borrower=resident)
    assert reservation.start == days_ahead(5, 10) and reservation.end == days_ahead(6, 10)


def _next_saturday(today: date) -> date:
    from datetime import timedelta

    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def test_kayak_next_saturday_with_the_pledge_handed_out_and_back_with_litter(live_site, browser):
    """The issue's journey: find a kayak free next Saturday near Fornebu, book it accepting the
    fjord-litter pledge, staff hand it out (proof checked) and take it back with the litter
    collected; the loan lands in the impact ledger. axe on every screen on the way."""
    from datetime import timedelta

    from catalog.models import ImpactEntry
    from cms.services import impact_pages_ensure

    staff = UserFactory(profile__display_name="Siri i utlånet")
    resident = UserFactory(profile__display_name="Kari")
    hub = make_hub(staff=[staff])
    kayak = make_item(
        hub=hub,
        title="Havkajakk",
        units=2,
        pledge="Plukk med deg søppel fra fjorden",
        required_proof="våttkort",
        accessories=("Åre", "Flytevest"),
    )
    make_item(hub=make_hub("Sandvika utlån", lat=59.8893, lon=10.5236), title="Kajakk i Sandvika")
    saturday = _next_saturday(timezone.localdate())
    loans_before = ImpactEntry.objects.filter(kind=ImpactEntry.Kind.LOAN).count()
    dashboard, _method = impact_pages_ensure()

    context = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_site, resident)
    page.goto(live_site.url + "/en" + dashboard.url)
    loans_shown = int(page.locator("[data-totals] [data-metric='loans_completed']").inner_text())
    assert loans_shown == loans_before
    page.goto(live_site.url + "/en/laan/")
    page.get_by_label("What do you want to borrow?").fill("kajakk")
    page.get_by_label("Near").fill("Fornebu")
    page.get_by_label("From", exact=True).fill(saturday.isoformat())
    page.get_by_label("To (inclusive)").fill(saturday.isoformat())
    page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_role("link", name="Havkajakk").is_visible()
    assert page.get_by_role("link", name="Kajakk i Sandvika").count() == 0  # 10 km away
    assert_no_axe_violations(page, context="search for a free period")

    page.get_by_role("link", name="Havkajakk").click()
    page.wait_for_url(re.compile(r".*/laan/\d+/\?month=.*"))
    pick = page.locator(f'a.calendar__pick[href$="start_date={saturday.isoformat()}"]')
    assert "free" in pick.inner_text()
    assert_no_axe_violations(page, context="item page with its calendar")
    pick.click()
    page.get_by_label("Pickup time").fill("10:00")
    page.get_by_label("Return date").fill(saturday.isoformat())
    page.get_by_label("Return time").fill("18:00")
    page.get_by_label("I accept the pledge").check()
    page.get_by_label("I have: våttkort").check()
    assert_no_axe_violations(page, context="booking form")
    page.get_by_role("button", name="Book", exact=True).click()
    page.wait_for_url(re.compile(r".*/laan/mine/$"))
    assert "Confirmed" in page.locator("#upcoming").inner_text()
    booking = Reservation.objects.get(borrower=resident)
    assert booking.pledge_accepted and timezone.localtime(booking.start).date() == saturday

    # Saturday morning comes: the booking starts now (the live server cannot move its clock).
    Reservation.objects.filter(pk=booking.pk).update(start=timezone.now() - timedelta(minutes=1))

    desk = browser.new_context(locale="nb-NO", viewport={"width": 1280, "height": 900}).new_page()
    desk.set_default_timeout(15_000)
    sign_in(desk, live_site, staff)
    desk.goto(live_site.url + f"/en/laan/sentral/{hub.slug}/")
    assert "Borrower: Kari" in desk.locator("#pickups-heading + ul").inner_text()
    assert_no_axe_violations(desk, context="staff screen with a pickup")
    desk.get_by_role("link", name="Hand out").click()
    desk.wait_for_url(re.compile(r".*/utlever/\d+/$"))
    assert_no_axe_violations(desk, context="check-out form")
    desk.get_by_label("I have checked the borrower's våttkort").check()
    desk.get_by_role("button", name="Hand out").click()
    assert desk.get_by_text("Handed out: Havkajakk").is_visible()
    booking.refresh_from_db()
    assert booking.status == "checked_out" and booking.proof_verified
    assert booking.accessories_out == ["Åre", "Flytevest"] and booking.checked_out_by == staff

    desk.get_by_role("link", name="Take back early").click()
    desk.wait_for_url(re.compile(r".*/ta-imot/\d+/$"))
    assert_no_axe_violations(desk, context="check-in form")
    desk.get_by_label("OK", exact=True).check()
    desk.get_by_label("Bags of litter collected").fill("2")
    desk.get_by_label("Kilograms of litter collected").fill("3.5")
    desk.get_by_role("button", name="Take back").click()
    assert desk.get_by_text("Taken back: Havkajakk").is_visible()
    booking.refresh_from_db()
    assert (booking.status, booking.return_condition, booking.pledge_bags) == ("returned", "ok", 2)
    assert str(booking.pledge_kg) == "3.5"
    assert ImpactEntry.objects.filter(kind=ImpactEntry.Kind.LOAN).count() == loans_before + 1
    entry = ImpactEntry.objects.get(source="sharing.reservation", source_id=booking.pk)
    assert entry.category_id == kayak.category_id

    desk.goto(live_site.url + f"/en/laan/sentral/{hub.slug}/rapporter/")
    assert_no_axe_violations(desk, context="staff reports")

    # The impact statistics rise: the dashboard counts the loan and the litter.
    page.goto(live_site.url + "/en" + dashboard.url)
    totals = page.locator("[data-totals]")
    assert int(totals.locator("[data-metric='loans_completed']").inner_text()) == loans_shown + 1
    assert int(totals.locator("[data-metric='pledge_bags']").inner_text()) >= 2
    desk.context.close()
    context.close()
