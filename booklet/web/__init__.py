"""The phone edition (手机版): `site` renders the static pages of 网页版/ from the booklet's
views, `search` writes the index the pages' own script searches."""
