"""``{% load evaluation_assessor %}``: the assessor side's template tags, which
live in evaluation/assessment/templatetags.py. Django loads tag libraries
only from an app's ``templatetags`` package, hence this module."""

from kotacerdas.evaluation.assessment.templatetags import register

__all__ = ["register"]
