"""Resource objects hung on the clients (``client.supplier_invoices`` and so on)."""
