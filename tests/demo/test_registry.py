"""The Dumai demo ships a registry: DIGILOKA reports it, and loading twice
adds nothing."""

from __future__ import annotations

from kotacerdas.core.models import AuditEvent
from kotacerdas.demo.loader import demo_load
from kotacerdas.demo.registry import DEMO_BUSINESSES
from kotacerdas.umkm.models import Business, RegistrySettings


def test_the_demo_registry_is_valid_and_loads_once(db) -> None:
    demo_load()
    businesses = Business.objects.filter(region__code="14.72")
    count = businesses.count()
    assert count > DEMO_BUSINESSES  # plus a few planted duplicates for the review queue
    assert set(businesses.values_list("kelurahan_code", flat=True)) == {
        k.code for k in businesses.first().region.kelurahan()
    }
    assert not businesses.filter(size_class="").exists()
    assert businesses.filter(verification=Business.Verification.PENDING).exists()
    settings = RegistrySettings.objects.get(region__code="14.72")
    assert settings.programme is not None and settings.programme.code == "ECO-01"
    loads = AuditEvent.objects.filter(action=AuditEvent.Action.LOAD)
    # The registry's load, then the duplicate search the demo runs after it
    # (the demo's survey import comes later: tests/demo/test_journeys.py).
    first, second = list(loads.order_by("pk"))[:2]
    assert "duplicate_candidates" not in first.after
    assert list(second.after) == ["duplicate_candidates"]
    demo_load()
    assert businesses.count() == count
    # The two above, the import of the demo survey and the OSS NIB list's rows.
    assert loads.count() == 4
