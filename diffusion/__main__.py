"""``python -m diffusion``: see :mod:`diffusion.cli`."""

from diffusion.cli import main

raise SystemExit(main())
