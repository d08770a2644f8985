"""Run the command line with 'python -m generator'."""

from .cli import main

main()
