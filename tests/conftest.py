import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from helpers import blank_parent_copy, example_copy  # noqa: E402,F401  (fixtures)
