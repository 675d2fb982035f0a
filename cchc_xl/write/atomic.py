"""Write a file so that a crash never leaves it half-written: temp file in the same folder, then rename."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def write_atomically(target, save: Callable[[str], None], suffix: str = ".tmp") -> Path:
    """Call ``save(temp_path)``, then move the finished file over ``target`` in one step."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".~cchc-xl-", suffix=suffix, dir=target.parent)
    os.close(fd)
    try:
        save(temp)
        if target.exists():
            try:
                import shutil

                shutil.copymode(target, temp)
            except OSError:
                pass
        os.replace(temp, target)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return target
