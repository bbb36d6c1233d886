"""``{% load evaluation_region %}``: the region side's template tags, which
live in evaluation/self_assessment/templatetags.py. Django loads tag
libraries only from an app's ``templatetags`` package, hence this module."""

from kotacerdas.evaluation.self_assessment.templatetags import register

__all__ = ["register"]
