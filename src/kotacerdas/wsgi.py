import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")

application = get_wsgi_application()

from kotacerdas.regions.reference import warm_up  # noqa: E402 - needs Django set up

warm_up()  # the region reference's index, before the first request waits for it
