"""``python -m bagalau.cli``."""

from bagalau.cli import main

main()
