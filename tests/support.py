"""Helpers for tests that drive the live server."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from tests.live import ROOT, LiveDaphne

AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def sent_mail(server: LiveDaphne) -> list[str]:
    """Emails the live server wrote with the file backend, oldest first."""
    if not server.mail_dir.exists():
        return []
    return [p.read_text() for p in sorted(server.mail_dir.iterdir(), key=lambda p: p.stat().st_mtime)]


def assert_no_axe_violations(page, *, context: str = "") -> None:
    """Run axe-core (from npm) in the page; fail listing every WCAG 2.1 A/AA violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # From the server's own origin (test settings serve node_modules/axe-core as a static
        # directory): an inline script would be refused by the CSP.
        origin = "/".join(page.url.split("/")[:3])
        page.add_script_tag(url=f"{origin}/static/vendor/axe-core/axe.min.js")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}
        })"""
    )
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in result["violations"]
    ]
    assert not problems, f"axe found violations on {context or page.url}:\n" + "\n".join(problems)


def sign_in(page, server: LiveDaphne, user) -> None:
    """Give the browser page a session for `user` (committed data, the live server's database)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}]
    )


def login(user):
    """A Django test client signed in as `user`."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def run_async(coroutine):
    """`asyncio.run(coroutine)` on a thread of its own: a test that ran earlier on this worker
    (Playwright's sync API) can leave the main thread's event loop marked as running."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
