"""The sandbox ERP: Visma Connect, the Visma.net Financials API and SalesOrders v3 on one origin.

A separate ASGI application with its own state. It never imports Django or ``erpclient``: it is the
other side of the wire and must catch the client's mistakes, not share them.
"""
