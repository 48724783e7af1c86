"""The servers' start-up leaves the heap out of the garbage collector's full collections."""

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["sirkel.asgi", "sirkel.wsgi"])
def test_the_server_modules_freeze_what_start_up_made(module):
    script = f"import gc, {module}; print(gc.get_freeze_count(), gc.get_count()[0])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sirkel.settings.test"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    frozen, young = map(int, out.stdout.split())
    assert frozen > 100_000  # Django, Wagtail and the apps: hundreds of thousands of objects
    assert young < 1_000  # and nothing was left behind in the young generation to scan
