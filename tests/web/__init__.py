"""Old home of the permission matrix, now in tests/permissions/ (it covers
every app), and of the masterplan and monitoring view tests, now under
tests/masterplan/ and tests/monitoring/.

The modules left here only re-export what tests/umkm still imports from the
old paths; delete this package once those imports name tests.permissions.
"""
