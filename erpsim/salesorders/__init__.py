"""The SalesOrders API v3 (salesorder.visma.net/api/v3): orders, customers and inventory."""
