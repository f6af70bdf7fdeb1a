"""Benchmark: what the security measures cost.

1. Upload checks (balance_inspect.uploads.validate_upload) on files at the size limit: a PDF, a
   workbook (zip sniffed for xl/workbook.xml), an executable renamed .xlsx, and a file over the
   limit (refused on its size before any byte is read). Time and peak Python memory of each.
   Target: a refusal or acceptance at the 20 MB limit in well under a second.
2. Formula neutralisation in the one xlsx writer: write_xlsx of 20,000 rows × 10 text cells
   (a fifth starting with = + - @) against plain openpyxl write-only on the same rows.
   Target: ≤ 25 % slower than plain openpyxl.
3. Per-request cost of the security middleware (CSP, clickjacking, axes, OTP, idle timeout) on
   the login page, with and without them, in-process (no network).

    .venv/bin/python bench/bench_security.py [--rows 20000] [--requests 2000]
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balance_inspect.settings")
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="bench-security-"))
    os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
    import django

    django.setup()


def measure(fn, repeat=3):
    """(best seconds, peak MB of Python allocations) of fn()."""
    times, peak = [], 0
    for _ in range(repeat):
        tracemalloc.start()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    return min(times), peak / 1048576


def bench_uploads():
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from balance_inspect.uploads import validate_upload

    limit = settings.UPLOAD_MAX_BYTES
    filler = os.urandom(limit - 4096)
    pdf = b"%PDF-1.4\n%" + filler[: limit - 4200] + b"\n%%EOF\n"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/media/image1.bin", filler)
    xlsx = buf.getvalue()
    exe = b"MZ\x90\x00" + filler
    over = pdf + b"x" * 2048

    def check(data, allowed):
        # Above FILE_UPLOAD_MAX_MEMORY_SIZE Django spools an upload to a temporary file: read from disk.
        def run():
            upload = TemporaryUploadedFile("f", "application/octet-stream", len(data), None)
            upload.write(data)
            upload.seek(0)
            try:
                validate_upload(upload, allowed=allowed)
            except ValidationError:
                pass
            finally:
                upload.close()

        return run

    print(f"1. upload checks at the {limit / 1048576:.0f} MB limit")
    for label, data, allowed in (
        ("PDF accepted", pdf, ("pdf",)),
        ("workbook accepted", xlsx, ("xlsx",)),
        ("executable refused", exe, ("xlsx",)),
        ("oversized refused", over, ("pdf",)),
    ):
        seconds, mb = measure(check(data, allowed))
        print(f"   {label:<20} {len(data) / 1048576:6.1f} MB   {seconds * 1000:8.1f} ms   peak {mb:6.1f} MB")


def bench_xlsx(rows: int):
    from openpyxl import Workbook

    from balance_inspect.xlsx import Sheet, write_xlsx

    starts = ["", "", "", "=", "+", "-", "@", "", "", ""]
    data = [[f"{starts[(r + c) % 10]}第{r}行第{c}列" for c in range(10)] for r in range(rows)]
    headers = [f"列{c}" for c in range(10)]

    def plain():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("t")
        ws.append(headers)
        for row in data:
            ws.append(row)  # an unsafe writer: "=…" cells become formulas
        wb.save(io.BytesIO())

    def safe():
        write_xlsx([Sheet("t", headers, data)])

    p, _ = measure(plain, repeat=2)
    s, _ = measure(safe, repeat=2)
    print(f"2. xlsx: {rows:,} rows × 10 text cells")
    print(
        f"   plain openpyxl write-only {p:6.2f} s   shared safe writer {s:6.2f} s   overhead {100 * (s / p - 1):+.0f} %"
    )


def bench_middleware(requests: int):
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings

    security = {
        "csp.middleware.CSPMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "axes.middleware.AxesMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "accounts.middleware.IdleSessionTimeoutMiddleware",
        "accounts.middleware.RequireOTPMiddleware",
    }

    def run(middleware):
        with override_settings(
            MIDDLEWARE=middleware,
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
        ):
            client = Client()
            client.get("/accounts/login/")
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get("/accounts/login/")
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200
            return statistics.median(samples) * 1000

    with_all = run(settings.MIDDLEWARE)
    without = run([m for m in settings.MIDDLEWARE if m not in security])
    print(f"3. login page, median of {requests} in-process requests")
    print(
        f"   with security middleware {with_all:5.2f} ms   without {without:5.2f} ms   cost {with_all - without:+.2f} ms"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    bench_uploads()
    bench_xlsx(args.rows)
    bench_middleware(args.requests)


if __name__ == "__main__":
    main()
