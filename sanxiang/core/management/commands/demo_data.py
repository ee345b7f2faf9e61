"""Loads the deterministic demo data: a fictional county (虹桥县) with its 司法局 and
enforcement agencies, users per role, officers, catalogues, cases, reviews, publications.

Each app contributes a ``demo.py`` with ``load(ctx)``; they run in dependency order and
share ``ctx`` (a dict of created objects). ``--if-empty`` loads only when no agency exists,
so ``make run`` can call it every time and keep existing data.
"""

import importlib
import random

from django.core.management.base import BaseCommand
from django.db import transaction

ORDER = [
    "org",
    "workdays",
    "catalog",
    "cases",
    "documents",
    "records",
    "review",
    "publicity",
    "inspections",
    "complaints",
    "evaluation",
    "assist",
    "discretion",
    "appeals",
    "transfers",
    "alerts",
    "patrol",
    "witness",
]


class Command(BaseCommand):
    help = "加载演示数据（确定性）。Load the deterministic demo data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="only when the database has no agency"
        )

    def handle(self, *args, **options):
        from sanxiang.org.models import Agency

        if options["if_empty"] and Agency.objects.exists():
            self.stdout.write("演示数据已存在，保留现有数据。(demo data present: kept)")
            return
        ctx = {"rng": random.Random(20261123), "stdout": self.stdout}  # noqa: S311 - demo data, not a secret
        for app in ORDER:
            try:
                module = importlib.import_module(f"sanxiang.{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"sanxiang.{app}.demo":
                    raise
                continue
            with transaction.atomic():
                module.load(ctx)
            self.stdout.write(f"  demo data: {app} ✓")
        self.stdout.write(self.style.SUCCESS("演示数据已加载。(demo data loaded)"))
