import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sirkel.settings.production")
application = get_wsgi_application()

from core.runtime import freeze_startup_heap  # noqa: E402

freeze_startup_heap()  # last: after the application and everything it imports
