import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kotacerdas.settings")

application = get_wsgi_application()

from kotacerdas.core.warmup import warm_up  # noqa: E402 - needs Django set up

warm_up()  # settings.KOTACERDAS_WARM_UP, before the first request waits for it
