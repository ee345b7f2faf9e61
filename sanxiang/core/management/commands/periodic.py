"""Runs the periodic jobs of every app once (or in a loop with --loop).

In production these run under celery beat (see sanxiang/celery.py and each app's
tasks.py); the embedded default has no beat, so `make run` starts this command in the
background. Each app may provide ``periodic.py`` with ``run(stdout)``.
"""

import importlib
import time

from django.core.management.base import BaseCommand

APPS = [
    "ledger",
    "cases",
    "documents",
    "records",
    "review",
    "publicity",
    "inspections",
    "appeals",
    "transfers",
    "patrol",
    "witness",
    "alerts",
]


def run_all(stdout):
    for app in APPS:
        try:
            module = importlib.import_module(f"sanxiang.{app}.periodic")
        except ModuleNotFoundError as exc:
            if exc.name != f"sanxiang.{app}.periodic":
                raise
            continue
        module.run(stdout)


class Command(BaseCommand):
    help = "运行定时任务（树头签名、期限预警、完整性校验）。Run periodic jobs."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=int, default=300)

    def handle(self, *args, **options):
        while True:
            try:
                run_all(self.stdout)
            except Exception as exc:  # keep the loop alive; report the failure
                self.stderr.write(f"periodic job failed: {exc!r}")
                if not options["loop"]:
                    raise
            if not options["loop"]:
                return
            time.sleep(options["interval"])
