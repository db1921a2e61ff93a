"""MkDocs hooks: citations, figures, exercise blocks, record, per-language search."""
