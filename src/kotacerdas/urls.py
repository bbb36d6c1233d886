from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kotacerdas.accounts import views as accounts_views
from kotacerdas.api.main import api
from kotacerdas.core import views as core_views
from kotacerdas.portal import views as portal_views

urlpatterns = [
    path("", portal_views.landing, name="home"),
    path("masuk/", accounts_views.LoginView.as_view(), name="login"),
    path("keluar/", accounts_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", set_language, name="set_language"),
    path("healthz/", core_views.healthz, name="healthz"),
    # First: the public portal's pages are the busiest and all start with publik/.
    path("", include("kotacerdas.portal.urls")),
    path("", include("kotacerdas.national.urls")),
    path("", include("kotacerdas.accounts.urls")),
    path("", include("kotacerdas.masterplan.urls")),
    path("", include("kotacerdas.monitoring.urls")),
    path("", include("kotacerdas.masterplan.exchange.urls")),
    path("", include("kotacerdas.umkm.urls")),
    path("", include("kotacerdas.evaluation.urls")),
    path("api/v1/", api.urls),
    path("", include("kotacerdas.api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "kotacerdas.core.views.bad_request"
handler403 = "kotacerdas.core.views.permission_denied"
handler404 = "kotacerdas.core.views.page_not_found"
handler500 = "kotacerdas.core.views.server_error"

if settings.KOTACERDAS_BENCH_FLOOR:  # bench/throughput.py only; off in production
    urlpatterns.insert(0, path("_bench/floor/", core_views.bench_floor, name="bench_floor"))
