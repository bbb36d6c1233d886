from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kotacerdas.accounts import services


class Command(BaseCommand):
    help = (
        "Atur ulang verifikasi dua langkah seorang pengguna (ponsel hilang); sesi-sesinya "
        "berakhir. / Reset a user's MFA (lost phone) and end their sessions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Pengguna {options['username']!r} tidak ada. / No such user.")
        removed = services.mfa_reset(actor=None, user=user)
        self.stdout.write(
            f"MFA {user.get_username()} diatur ulang ({removed} perangkat dihapus). / "
            f"MFA reset ({removed} devices removed)."
        )
