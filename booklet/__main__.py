"""`python -m booklet` is the same as the `booklet` command."""
from booklet.cli import main

main()
