from django.urls import path

from kotacerdas.national import views

app_name = "national"

urlpatterns = [
    path("nasional/", views.public, name="public"),
    path("nasional/perbandingan/", views.compare, name="compare"),
    path("nasional/perbandingan.<str:fmt>", views.compare_export, name="compare_export"),
    path("nasional/provinsi/<str:code>/", views.province, name="province"),
]
