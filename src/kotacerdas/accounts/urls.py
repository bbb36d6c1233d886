from django.urls import path

from . import staff_views, views

app_name = "accounts"

urlpatterns = [
    path("masuk/otp/", views.otp, name="otp"),
    path("akun/mfa/", views.mfa, name="mfa"),
    path("akun/mfa/kode-pemulihan/", views.recovery_codes, name="recovery_codes"),
    path("akun/kata-sandi/", views.PasswordChangeView.as_view(), name="password_change"),
    path("lupa-kata-sandi/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "lupa-kata-sandi/terkirim/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "lupa-kata-sandi/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "lupa-kata-sandi/selesai/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

# A region's own people and agencies; the deployment's regions (staff_views.py).
urlpatterns += [
    path("wilayah/<str:code>/pengguna/", staff_views.region_users, name="region_users"),
    path(
        "wilayah/<str:code>/pengguna/<int:pk>/cabut/",
        staff_views.region_user_remove,
        name="region_user_remove",
    ),
    path(
        "wilayah/<str:code>/perangkat-daerah/",
        staff_views.region_agencies,
        name="region_agencies",
    ),
    path("deployment/wilayah/", staff_views.deployment_regions, name="deployment_regions"),
]
