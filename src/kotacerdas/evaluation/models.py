"""The evaluation's models, where Django (and other apps) find them: the app
label stays ``evaluation`` while each model lives in the sub-package of its
concept.

- ``instruments/models.py``: Instrument, Dimension, Item
- ``cycles/models.py``: EvaluationCycle, ResultRevision (the published result)
- ``self_assessment/models.py``: Application, Answer, AnswerEvidence, EvidenceRequest
- ``assessment/models.py``: Assignment, AssessorScore, ConsolidatedScore, CycleSummary

Code of the evaluation imports a model from its sub-package; other apps
import it from here.
"""

from __future__ import annotations

from kotacerdas.evaluation.assessment.models import (
    AssessorScore,
    Assignment,
    ConsolidatedScore,
    CycleSummary,
)
from kotacerdas.evaluation.cycles.models import EvaluationCycle, ResultRevision
from kotacerdas.evaluation.instruments.models import Dimension, Instrument, Item
from kotacerdas.evaluation.self_assessment.models import (
    Answer,
    AnswerEvidence,
    Application,
    EvidenceRequest,
)

__all__ = [
    "Answer",
    "AnswerEvidence",
    "Application",
    "AssessorScore",
    "Assignment",
    "ConsolidatedScore",
    "CycleSummary",
    "Dimension",
    "EvaluationCycle",
    "EvidenceRequest",
    "Instrument",
    "Item",
    "ResultRevision",
]
