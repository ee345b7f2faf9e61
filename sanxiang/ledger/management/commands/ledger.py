"""``manage.py ledger verify | sign | export-key``.

* ``verify``: recompute every leaf hash, subtree hash and root from the stored leaves
  (in aligned chunks, checked in parallel worker processes on large ledgers; ``--jobs``),
  check every signed tree head's signature and its consistency
  with the previous one. Exit 0 with a summary when intact, 1 with the first bad leaf
  index and the reason otherwise.
  Then (unless ``--no-reconcile``) compare every row with legal weight with the leaf
  that recorded it (``ledger/reconcile.py``) and report each mismatch by table and id
  (exit 1). ``--known-heads FILE`` adds signed heads saved outside the platform (a
  witness, the public feed ``/ledger/heads/``): a head the stored leaves no longer
  explain — larger than the ledger (truncation) or with another root — fails.
* ``sign [--size N]``: sign a tree head now (for the current size or a past size N).
* ``export-key [--format pem|raw|json]``: print the public key of the ledger.
* ``triggers [--repair]``: list the append-only triggers that are missing, disabled or
  no longer raise (the system check ``sanxiang.E101``); ``--repair`` re-creates them.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from sanxiang.core.errors import DomainError


class Command(BaseCommand):
    help = "账本校验、树头签名、导出公钥。Ledger: verify, sign a tree head, export the key."
    # verify and ``triggers --repair`` must run exactly when a trigger is missing, which
    # the system check sanxiang.E101 reports as an error (it would stop the command)
    requires_system_checks = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="verify the whole ledger")
        verify.add_argument(
            "--chunk-size", type=int, default=None, help="leaves per chunk (a power of two)"
        )
        verify.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="worker processes (default: one per CPU for large ledgers)",
        )
        verify.add_argument(
            "--known-heads",
            action="append",
            default=[],
            metavar="FILE",
            help="JSON file of signed tree heads saved outside the platform (one head, a list, "
            "or the /ledger/heads/ feed); a head the database no longer explains fails",
        )
        verify.add_argument(
            "--no-reconcile",
            action="store_true",
            help="skip the reconciliation of domain rows with their leaves",
        )
        sign = sub.add_parser("sign", help="sign a tree head now")
        sign.add_argument("--size", type=int, default=None, help="past tree size to sign")
        export = sub.add_parser("export-key", help="print the public key")
        export.add_argument("--format", choices=["pem", "raw", "json"], default="pem")
        triggers = sub.add_parser("triggers", help="check (and repair) the append-only triggers")
        triggers.add_argument("--repair", action="store_true", help="re-create missing triggers")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "verify":
            from sanxiang.ledger.verify import CHUNK, verify_ledger

            if options["jobs"] is not None and options["jobs"] < 1:
                raise CommandError("--jobs must be at least 1")
            known = self._known_heads(options["known_heads"])
            result = verify_ledger(
                chunk_size=options["chunk_size"] or CHUNK, jobs=options["jobs"], known_heads=known
            )
            mismatches = []
            if not options["no_reconcile"]:
                from sanxiang.ledger.reconcile import reconcile

                mismatches = reconcile()
                for m in mismatches:
                    self.stderr.write(f"对账不一致 reconciliation mismatch: {m.describe()}")
            if not result.ok:
                raise CommandError(result.summary(), returncode=1)
            self.stdout.write(result.summary())
            if mismatches:
                raise CommandError(
                    f"对账失败 reconciliation FAILED: {len(mismatches)} 处数据行与记录它的账本叶子"
                    f"不一致 row(s) differ from their ledger leaves: "
                    + "; ".join(m.describe() for m in mismatches[:20]),
                    returncode=1,
                )
            if not options["no_reconcile"]:
                from sanxiang.ledger.reconcile import all_rules

                self.stdout.write(
                    "对账一致 reconciliation OK: "
                    + ", ".join(rule.label for rule in all_rules())
                    + " agree with their leaves."
                )
        elif action == "sign":
            from sanxiang.ledger.services import sign_tree_head

            try:
                head = sign_tree_head(options["size"])
            except DomainError as exc:
                raise CommandError(str(exc))
            self.stdout.write(json.dumps(head.as_dict(), ensure_ascii=False))
        elif action == "triggers":
            self._triggers(options["repair"])
        elif action == "export-key":
            from sanxiang.ledger import heads

            fmt = options["format"]
            if fmt == "pem":
                self.stdout.write(heads.public_key_pem().rstrip("\n"))
            elif fmt == "raw":
                self.stdout.write(heads.public_key_raw_b64())
            else:
                from sanxiang.ledger.bundle import public_key_info

                self.stdout.write(json.dumps(public_key_info(), ensure_ascii=False))

    def _known_heads(self, paths):
        from sanxiang.ledger.verify import head_from_dict

        heads = []
        for path in paths:
            try:
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
                if isinstance(data, dict):
                    data = data.get("heads", [data])
                if not isinstance(data, list):
                    raise ValueError("expected a head, a list of heads or {'heads': [...]}")
                heads += [head_from_dict(item) for item in data]
            except (OSError, ValueError) as exc:
                raise CommandError(
                    f"无法读取已保存的树头文件 cannot read saved heads {path}: {exc}"
                )
        return heads

    def _triggers(self, repair):
        from django.db import connection

        from sanxiang.ledger.checks import trigger_problems
        from sanxiang.ledger.protection import repair_triggers

        problems = trigger_problems(connection)
        for label, table, problem in problems:
            self.stdout.write(f"{table} ({label}): {problem}")
        if problems and repair:
            repaired = repair_triggers(connection, {label for label, _t, _p in problems})
            self.stdout.write(f"re-created the triggers of {len(repaired)} table(s)")
            problems = trigger_problems(connection)
        if problems:
            raise CommandError(
                f"防篡改触发器缺失 {len(problems)} 处 append-only trigger problem(s)", returncode=1
            )
        self.stdout.write("append-only triggers: all present")
