"""``manage.py alerts run [--rule CODE ...] [--date YYYY-MM-DD]`` and ``alerts rules``."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "监督预警：运行预警模型（run）或列出预警模型（rules）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="run the alert rules over all agencies")
        run.add_argument("--rule", action="append", dest="rules", help="only this rule code")
        run.add_argument("--date", help="the day to evaluate (default: today)")
        sub.add_parser("rules", help="list the rules")

    def handle(self, *args, **options):
        from sanxiang.alerts.rules import RULES
        from sanxiang.alerts.services import run_rules

        if options["action"] == "rules":
            for rule in RULES:
                self.stdout.write(
                    f"{rule.number:>2} {rule.code:<24} {rule.severity:<6} {rule.title}"
                )
            return
        codes = options.get("rules")
        known = {r.code for r in RULES}
        for code in codes or []:
            if code not in known:
                raise CommandError(f"unknown rule {code}; known: {', '.join(sorted(known))}")
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date must be YYYY-MM-DD") from exc
        run = run_rules(None, today=today, codes=set(codes) if codes else None, stdout=self.stdout)
        if run.errors:
            raise CommandError(f"{len(run.errors)} rule(s) failed: {run.errors}")
