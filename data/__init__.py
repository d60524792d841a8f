"""The bundled tables (CSV) and their codebooks (Markdown).

Installed, this folder is the package ``diffusion._tables`` (see ``package-dir`` in
``pyproject.toml``); read the tables with :mod:`diffusion.datasets`, and rebuild them
with ``scripts/build_data.py``.
"""
