from django.urls import path

from kotacerdas.masterplan.exchange import views

app_name = "exchange"

urlpatterns = [
    path("masterplan/templat/", views.template, name="template"),
    path("wilayah/<str:code>/masterplan/ekspor/", views.export, name="export"),
    path("wilayah/<str:code>/masterplan/impor/", views.import_upload, name="import"),
    path(
        "wilayah/<str:code>/masterplan/impor/terapkan/",
        views.import_confirm,
        name="import_confirm",
    ),
]
