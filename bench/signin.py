"""A signed-in test client for the benchmarks, past the second factor: every
role that sees the registry needs one (issue 14, point 15), so a bare
``force_login`` only measures the redirect to enrolment."""

from __future__ import annotations

from typing import Any


def verified_client(user: Any) -> Any:
    """A Django test client signed in as ``user`` with a confirmed TOTP
    device, the session marked verified as the second-factor step does."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
