"""The data in Excel, both ways: `layout` declares the sheets from the model, `export` writes
the workbook, `read` reads one back as the clerk meant it, `plan` works out what it changes
(`diff` says it in Chinese) and `yamlwrite` writes that into the YAML files, comments kept."""
