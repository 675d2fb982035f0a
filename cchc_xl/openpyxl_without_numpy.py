"""openpyxl, imported without numpy when numpy is not loaded yet.

openpyxl imports numpy whenever it is installed (scipy, pandas or Anaconda bring it), only to
accept numpy's number types in cells; cchc-xl never writes them. That import is ~150 ms of CPU in
every command that writes a workbook: in bulk, the main process takes it from the workers while
they check. A process that has loaded numpy already (xlwings in Excel, a notebook with pandas)
gets openpyxl as it is.
"""
from __future__ import annotations

import sys


def load_openpyxl():
    if "openpyxl" not in sys.modules and "numpy" not in sys.modules:
        sys.modules["numpy"] = None  # `import numpy` now raises ImportError: openpyxl goes on without it
        try:
            import openpyxl  # noqa: F401
        finally:
            del sys.modules["numpy"]  # a later `import numpy` loads it as usual
    import openpyxl

    return openpyxl
