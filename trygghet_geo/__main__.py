"""``python -m trygghet_geo``: the ``trygghet-geo`` command line."""

import sys

from trygghet_geo.cli import main

if __name__ == "__main__":
    sys.exit(main())
