"""The household booklet (一本通): parts (what it is made of), flow and pages (laying out the
parts that run on, and the one adapter to WeasyPrint's page boxes), fragments, measure (which
items fit a page), record, folio (page numbers), impose (the print copy), and book, which puts
them together."""
from booklet.household.book import LARGE_PRINT_COPY, PRINT_COPY, READING_COPY, render

__all__ = ["LARGE_PRINT_COPY", "PRINT_COPY", "READING_COPY", "render"]
