"""Virus scanning with ClamAV's clamd (INSTREAM), when KOTACERDAS_CLAMD is
set; it fails closed unless KOTACERDAS_CLAMD_FAIL_OPEN says otherwise."""

from __future__ import annotations

import logging
import socket
import struct
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from kotacerdas.core.uploads.inspection import Inspection
from kotacerdas.core.uploads.kinds import Refusal

logger = logging.getLogger("kotacerdas.core.uploads")  # one logger for every check


def scan_for_viruses(inspection: Inspection) -> None:
    """Stream the file to clamd when KOTACERDAS_CLAMD is set. Fails closed: a
    scanner that cannot be reached, times out or answers oddly refuses the file."""
    address: str = settings.KOTACERDAS_CLAMD
    if not address:
        return
    try:
        reply = clamd_instream(address, inspection.chunks(), settings.KOTACERDAS_CLAMD_TIMEOUT)
    except (OSError, ValueError):
        logger.exception("virus scanner %s unavailable", address)
        reply = ""
    if reply.endswith("FOUND"):
        signature = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        logger.warning("virus found in upload %r: %s", inspection.name, signature)
        inspection.refuse(
            Refusal.VIRUS,
            _(
                "Berkas %(name)s mengandung virus atau perangkat jahat (%(signature)s) dan "
                "ditolak. / "
                "%(name)s contains a virus or malware (%(signature)s) and was refused."
            ),
            signature=signature[:100],
        )
    if reply != "stream: OK":
        if reply:
            logger.error("virus scanner %s answered %r", address, reply[:200])
        if settings.KOTACERDAS_CLAMD_FAIL_OPEN:
            logger.error(
                "upload %r accepted without a virus scan (KOTACERDAS_CLAMD_FAIL_OPEN)",
                inspection.name,
            )
            return
        inspection.refuse(
            Refusal.SCANNER_UNAVAILABLE,
            _(
                "Berkas %(name)s belum dapat diterima: pemindai virus tidak tersedia. Coba lagi "
                "nanti atau hubungi admin. / "
                "%(name)s cannot be accepted yet: the virus scanner is unavailable. "
                "Try again later or contact the administrator."
            ),
        )


def clamd_instream(address: str, chunks: Iterator[bytes], timeout: float) -> str:
    """Send ``chunks`` to clamd at ``address`` ("unix:/path" or "tcp:host:port")
    with the INSTREAM command; return its answer, e.g. "stream: OK" or
    "stream: Eicar-Test-Signature FOUND". Raises OSError when clamd cannot be
    reached or does not answer within ``timeout`` seconds."""
    with _clamd_connect(address, timeout) as connection:
        connection.sendall(b"zINSTREAM\x00")
        for chunk in chunks:
            connection.sendall(struct.pack("!L", len(chunk)) + chunk)
        connection.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\x00") and len(reply) < 4096:
            data = connection.recv(4096)
            if not data:
                break
            reply += data
    return reply.rstrip(b"\x00").decode("utf-8", "replace").strip()


def _clamd_connect(address: str, timeout: float) -> socket.socket:
    scheme, _sep, rest = address.partition(":")
    if scheme == "unix":
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(rest)
        except OSError:
            connection.close()
            raise
        return connection
    if scheme == "tcp":
        host, _sep, port = rest.rpartition(":")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    raise OSError(f"KOTACERDAS_CLAMD must be unix:/path or tcp:host:port, not {address!r}")
