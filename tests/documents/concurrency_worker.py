"""Worker process of the concurrent-numbering test (run with ``python -m``).

    python -m tests.documents.concurrency_worker <go_file> <user_id> <doc_id> ...

Environment: DATABASE_URL (the test database), SANXIANG_VAR_DIR. Waits until
``go_file`` exists so that the workers start together, issues each draft through
``issue_document`` on its own connection and prints one JSON line {doc_id: number}.
"""

import json
import os
import sys
import time


def main(argv):
    go_file, user_id, *doc_ids = argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanxiang.settings")
    import django

    django.setup()
    from sanxiang.documents.models import Document
    from sanxiang.documents.services import issue_document
    from sanxiang.org.models import User

    user = User.objects.get(pk=int(user_id))
    # warm up the renderer (fonts) before the start signal so the issues overlap
    from sanxiang.documents.rendering import render_pdf_bytes

    render_pdf_bytes(Document.objects.get(pk=int(doc_ids[0])), draft=True)
    deadline = time.time() + 60
    while not os.path.exists(go_file):
        if time.time() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.01)
    result = {}
    for doc_id in doc_ids:
        doc = issue_document(Document.objects.get(pk=int(doc_id)), user)
        result[doc_id] = doc.number
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
