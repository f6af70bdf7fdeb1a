"""The demo county arrives with its 表Ⅰ facts and 基本均衡 recognition entered (field visits left blank)."""

from accounts.models import AuditEntry
from applications.demo import DEMO_FACTS, seed_applications
from applications.models import CountyFacts, Eligibility, FieldVisits


def test_the_demo_enters_table_one_facts_and_recognition_through_the_audited_services(county, bureau):
    seed_applications(sender=None, county=county, users={"bureau": bureau}, year=2025)
    seed_applications(sender=None, county=county, users={"bureau": bureau}, year=2025)  # idempotent

    facts = CountyFacts.objects.get(county=county, year=2025)
    assert all(getattr(facts, name) not in (None, "") for name in DEMO_FACTS)
    assert facts.agricultural_population < facts.population
    eligibility = Eligibility.objects.get(county=county)
    # Applying in 2026 (school year 2025 + 1) needs recognition in 2023 or before.
    assert eligibility.basic_recognition_year <= 2026 - 3
    assert not FieldVisits.objects.filter(county=county).exists()
    assert AuditEntry.objects.filter(county=county).count() == 2  # the second run changed nothing
