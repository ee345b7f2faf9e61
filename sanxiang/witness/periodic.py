"""Periodic job of the witness client (``manage.py periodic``): submit the latest signed
head to every witness again. A failed or skipped after-commit submission is retried here;
the witness only needs the latest head (its consistency proof covers the heads between)."""


def run(stdout):
    from .client import submit_latest

    for line in submit_latest():
        stdout.write(f"witness: {line}\n")
