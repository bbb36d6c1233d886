"""Feeding the national systems from the registry (issue 20): the export in
the layout of KemenKopUKM's single UMKM database (SIDT-KUMKM) and the IKM
figures of Kemenperin's SIINas (the IKM flag, sentra IKM, the region's yearly
target). Formats and their sources: docs/registry.md."""
