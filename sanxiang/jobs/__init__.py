"""Background jobs run by the Celery worker (issue #16 item 5): the long work (PDF rendering,
case-archive export, webhooks, alert models) as tasks, and the idempotency keys that make a
task redelivered after a worker died mid-way (``acks_late``) commit its effects only once."""
