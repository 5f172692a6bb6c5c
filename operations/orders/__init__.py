"""Sales orders (issue 10): v3 orders from an htmx form, created exactly once, with the ERP's
errors on the right line. See docs/operations.md, "Sales orders"."""
