"""Create secret files (private keys) once, safely under concurrent first use.

``create_file_once`` writes a temporary file (mode 0600, fsynced) beside the target and
hard-links it into place; ``create_dir_once`` writes every file of a directory (a key and
its certificate) into a temporary directory and renames it into place. Either way a
reader never sees a half-written file or half a key pair, and the loser of a race keeps
the winner's files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _write_private(fd: int, data: bytes) -> None:
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def create_file_once(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        _write_private(fd, data)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it first: use that one
    finally:
        os.unlink(tmp)


def create_dir_once(target: Path, files: dict[str, bytes]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
    try:
        for name, data in files.items():
            _write_private(os.open(tmp / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL), data)
        try:
            os.rename(tmp, target)
        except OSError:
            if not target.exists():
                raise
            # another process created it first: use that one
    finally:
        if tmp.exists():
            for child in tmp.iterdir():
                child.unlink()
            tmp.rmdir()
