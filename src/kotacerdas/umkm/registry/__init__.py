"""The registry itself: businesses (their fields, rules and derived classes),
the official KBLI code list and the per-region settings; registering,
editing and verifying a business, the list and its filters, the public
self-registration form."""
