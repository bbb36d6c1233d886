"""Offline registration for field enumerators: a form that a service worker
keeps on the phone, a local queue, and a sync through the normal validated
registration with an idempotency key (docs/registry.md, "Pendataan
lapangan")."""
