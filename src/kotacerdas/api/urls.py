from django.urls import path

from kotacerdas.api import views

app_name = "apiweb"

urlpatterns = [
    path("api/docs/", views.docs, name="docs"),
    path("akun/token-api/", views.token_list, name="token_list"),
    path("akun/token-api/<int:pk>/cabut/", views.token_revoke, name="token_revoke"),
]
