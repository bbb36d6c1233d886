"""The Kota Dumai demo (a Django app above every other app)."""
