"""Routes of the evaluation report (names in the ``evaluation`` namespace)."""

from django.urls import path

from kotacerdas.evaluation.reports import views

urlpatterns = [
    path("evaluasi/siklus/<int:pk>/laporan/", views.report_page, name="report"),
    path("evaluasi/siklus/<int:pk>/laporan.pdf", views.report_pdf_download, name="report_pdf"),
    path("evaluasi/siklus/<int:pk>/laporan.xlsx", views.report_xlsx_download, name="report_xlsx"),
]
