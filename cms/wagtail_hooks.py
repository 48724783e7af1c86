from wagtail import hooks

from cms.staff_dashboard import StaffDashboardPanel


@hooks.register("construct_homepage_panels")
def staff_dashboard_panel(request, panels):
    panels.insert(0, StaffDashboardPanel())
