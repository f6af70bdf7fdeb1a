"""Benchmark: filing a submission (报送) and diffing two versions, for the demo county and a
generated 300-school county.

Prints, per county: `reviews.submissions.submission_submit` in all and its parts (the package's
staleness check: `applications.services.application_data` + `package_fingerprint`; the snapshot;
its fingerprint), the snapshot's canonical JSON size, and `reviews.diff.diff_snapshots` of two
versions differing in one school's figure (pure, best of `--repeat`). The package is stored as a
finished version with the fingerprint the real build would record (nothing is rendered: the
package build has its own bench, bench_application.py).

    flock /work/wt/bench.lock .venv/bin/python bench/bench_submission.py [--schools 300] [--skip-big]
"""

import argparse
import json
import os
import sys
import tempfile
import time

from bench_dossier import clone_county, peak_mb, setup_django

YEAR, SCHEME = 2025, "quality-2017"


def measure(county, user, repeat: int) -> dict:
    from applications.models import ApplicationPackage
    from applications.services import application_data, package_fingerprint
    from balance_inspect.jobs import JobStatus
    from reviews import submissions as services
    from reviews.diff import diff_snapshots
    from reviews.models import Submission

    out = {"schools": county.schools.count()}
    t = time.perf_counter()
    data = application_data(county, YEAR)
    out["data_s"] = time.perf_counter() - t
    t = time.perf_counter()
    fingerprint = package_fingerprint(data)
    out["fingerprint_s"] = time.perf_counter() - t
    package = ApplicationPackage.objects.create(
        county=county,
        year=YEAR,
        version=1,
        requested_by=user,
        status=JobStatus.DONE,
        input_fingerprint=fingerprint,
    )
    t = time.perf_counter()
    snapshot = services.build_snapshot(data, package)
    out["snapshot_s"] = time.perf_counter() - t
    t = time.perf_counter()
    services.snapshot_fingerprint(snapshot)
    out["sha_s"] = time.perf_counter() - t
    out["json_kb"] = (
        len(json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()) / 1024
    )
    t = time.perf_counter()
    submission = services.submission_submit(user=user, county=county)
    out["submit_s"] = time.perf_counter() - t
    assert Submission.objects.filter(pk=submission.pk).exists()

    changed = json.loads(json.dumps(submission.snapshot))
    code = next(iter(changed["schools"]))
    figures = changed["schools"][code]["figures"]
    key = next(k for k in figures if k.endswith(".building_area"))
    figures[key] = {**figures[key], "value": figures[key]["value"] + 100}
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        diff = diff_snapshots(submission.snapshot, changed)
        times.append(time.perf_counter() - t)
    assert [c.key for c in diff.figures] == [f"school.{code}.{key}"]
    out["diff_ms"] = min(times) * 1000
    out["peak_mb"] = peak_mb()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-submission-")
    setup_django(tmp)
    os.environ.setdefault("MEDIA_ROOT", tmp)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    from accounts.models import Role, User
    from indicators.services import assessment_run_now
    from schools.models import County

    counties = [("130123", "示范县（seed_demo）")]
    if not args.skip_big:
        clone_county("130123", "130999", args.schools)
        counties.append(("130999", f"生成的 {args.schools} 校县"))
    results = []
    for code, label in counties:
        county = County.objects.get(code=code)
        user = User.objects.create_user(f"bench-{code}", password="x", role=Role.BUREAU, county=county)
        assessment_run_now(county=county, year=YEAR, scheme=SCHEME)
        results.append((label, measure(county, user, args.repeat)))

    print(f"load average {os.getloadavg()}")
    print(
        f"{'county':<20}{'schools':>8}{'submit s':>10}{'data s':>8}{'pkg fp s':>10}{'snapshot s':>12}"
        f"{'sha ms':>8}{'JSON KB':>9}{'diff ms':>9}{'peak MB':>9}"
    )
    for label, r in results:
        print(
            f"{label:<20}{r['schools']:>8}{r['submit_s']:>10.2f}{r['data_s']:>8.2f}{r['fingerprint_s']:>10.2f}"
            f"{r['snapshot_s']:>12.3f}{r['sha_s'] * 1000:>8.1f}{r['json_kb']:>9.0f}{r['diff_ms']:>9.2f}{r['peak_mb']:>9.0f}"
        )
    print("submit = staleness check (data + package fingerprint) + snapshot + sha + writes")


if __name__ == "__main__":
    sys.exit(main())
