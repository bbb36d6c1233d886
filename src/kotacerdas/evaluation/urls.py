"""The evaluation's routes, all named in the ``evaluation`` namespace; each
sub-package lists its own."""

from django.urls import URLPattern, URLResolver

from kotacerdas.evaluation.assessment import urls as assessment
from kotacerdas.evaluation.cycles import urls as cycles
from kotacerdas.evaluation.instruments import urls as instruments
from kotacerdas.evaluation.reports import urls as reports
from kotacerdas.evaluation.self_assessment import urls as self_assessment

app_name = "evaluation"

urlpatterns: list[URLPattern | URLResolver] = [
    *instruments.urlpatterns,
    *cycles.urlpatterns,
    *self_assessment.urlpatterns,
    *reports.urlpatterns,
    *assessment.urlpatterns,
]
