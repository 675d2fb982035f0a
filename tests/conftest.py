import os
import sys
from pathlib import Path

# xlwings' remote engine (what xlwings Server/Lite run on, no Excel needed) is enabled by
# xlwings' own noncommercial licence key; it must be set before xlwings is imported.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import blank_parent_copy, example_copy  # noqa: E402,F401  (fixtures)
