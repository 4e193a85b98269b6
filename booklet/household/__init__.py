"""The household booklet (一本通): `book` puts it together from its `parts`; `flow` and `pages`
lay out the parts that run on (the one adapter to WeasyPrint's page boxes is `pages`), with
`fragments`, `measure` (which items fit a page) and `record`; `pagination` and `folio` number
the pages; `impose` makes the print copy; `geometry` declares the pages."""
