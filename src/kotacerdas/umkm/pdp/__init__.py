"""Personal data of the registry (UU 27/2022, DOMAIN.md §7): the record of
processing, revealing and exporting personal data, the per-person report,
and anonymisation at the end of retention."""
