"""From HTML to PDF: WeasyPrint and its sandbox, the templates, the parts cache and the pool, fonts, and putting documents together."""
