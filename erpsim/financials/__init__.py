"""The Visma.net Financials API (api.finance.visma.net): context, supplier invoices, background."""
