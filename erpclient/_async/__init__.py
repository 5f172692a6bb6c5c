"""The client's I/O code, written once, async. ``erpclient/_sync`` is generated from it.

Edit these files, then run ``python scripts/generate_sync.py`` to regenerate the sync twin;
``tests/erpclient/test_generated_sync.py`` fails while the two differ. Docstrings here are read by
sync users too, so they name neither flavour.
"""
