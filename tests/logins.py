"""Signing test users in the way the product requires: with a second factor.

``login_verified(client, user)`` gives ``user`` a confirmed authenticator
(TOTP) device, signs the client in and marks the session verified by that
device, as the OTP step does. ``totp_code(device)`` is the code the user's
app would show now (or the next one, when the current one was already used).
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def mfa_device(user: Any) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="uji", confirmed=True)
    return device


def login_verified(client: Client, user: Any) -> Client:
    device = mfa_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def totp_code(device: TOTPDevice) -> str:
    """A code the device accepts: the current time step's, or the next one's if
    the current was already used (a device refuses a code twice)."""
    device.refresh_from_db()
    current = int((time.time() - device.t0) // device.step) + device.drift
    step = max(current, device.last_t + 1)
    if step - current > device.tolerance:
        raise AssertionError("No unused TOTP code within the device's tolerance.")
    return str(hotp(device.bin_key, step, device.digits)).zfill(device.digits)
