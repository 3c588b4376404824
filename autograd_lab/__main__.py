"""``python -m autograd_lab``: the ``autograd-lab`` command (see ``launcher``)."""

import sys

from .launcher import main

sys.exit(main())
