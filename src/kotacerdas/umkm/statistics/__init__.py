"""Figures of the registry: the officers' statistics page and its CSV, the
map, the public page with small cells suppressed, and the registry's output
for the masterplan programme it reports to."""
