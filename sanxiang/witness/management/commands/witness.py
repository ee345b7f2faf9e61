"""``manage.py witness key|add-log|submit|status`` (see docs/witness.md)."""

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.errors import DomainError


class Command(BaseCommand):
    help = "账本见证：见证方公钥、登记账本、提交树头、状态。Ledger witness."
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("key", help="print this witness's verifier key")
        add = sub.add_parser("add-log", help="trust a log: origin and base64 Ed25519 key")
        add.add_argument("origin")
        add.add_argument("public_key", help="base64 of the raw 32-byte Ed25519 key")
        add.add_argument("--key-name", help="signature key name (default: the origin)")
        add.add_argument(
            "--hash",
            default="sha256",
            choices=["sha256", "sm3"],
            help="the log's Merkle hash (sm3 for a 国密 log; default sha256)",
        )
        sub.add_parser("submit", help="submit the latest signed head to every witness")
        sub.add_parser("status", help="witnessed logs and recent alerts")

    def handle(self, *args, **options):
        from . import _actions

        try:
            getattr(_actions, options["action"].replace("-", "_"))(self.stdout, options)
        except (DomainError, ValueError) as exc:
            raise CommandError(str(exc))
