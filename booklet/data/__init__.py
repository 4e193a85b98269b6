"""The data: the model, reading the YAML, the checks, and what is known of the files."""
