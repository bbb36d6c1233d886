from django.urls import path

from . import views

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
