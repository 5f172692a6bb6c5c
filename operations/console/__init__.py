"""The API console: any call of the real specs for one tenant, sent through erpclient with the
tenant's token (used, never shown), in the interactive lane of the budget, recorded and explained.
"""
