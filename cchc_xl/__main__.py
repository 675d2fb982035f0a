import sys

from .cli import main

# Guarded: on Windows, bulk's worker processes re-import the main module (spawn).
if __name__ == "__main__":
    sys.exit(main())
