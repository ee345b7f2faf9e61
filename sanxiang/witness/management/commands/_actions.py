"""Actions of ``manage.py witness`` (kept apart so the command module stays thin)."""

from sanxiang.witness import client, service
from sanxiang.witness import note as N
from sanxiang.witness.models import WitnessAlert, WitnessedLog


def key(stdout, options):
    stdout.write(service.verifier_key() + "\n")


def add_log(stdout, options):
    raw = N.unb64(options["public_key"], "public key")
    name = options["key_name"] or options["origin"]
    log = service.register_log(options["origin"], name, raw, options.get("hash") or "sha256")
    stdout.write(
        f"已登记 registered: {log.origin} (size {log.tree_size}, hash {log.hash_algorithm})\n"
    )


def submit(stdout, options):
    for line in client.submit_latest():
        stdout.write(line + "\n")


def status(stdout, options):
    for log in WitnessedLog.objects.all():
        stdout.write(f"{log.origin}: size {log.tree_size} root {N.b64(log.root_hash)}\n")
    for alert in WitnessAlert.objects.order_by("-id")[:20]:
        stdout.write(
            f"ALERT {alert.created_at:%Y-%m-%d %H:%M} {alert.origin} {alert.kind}: {alert.detail}\n"
        )
