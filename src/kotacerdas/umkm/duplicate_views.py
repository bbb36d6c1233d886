"""Placeholder: routes arrive with this area."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
