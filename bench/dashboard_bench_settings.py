"""Bench-only settings for bench/bench_dashboard.py: the app's settings with a URL conf that adds a
bare baseline view. Never used by the app itself."""

from balance_inspect.settings import *  # noqa: F403

ROOT_URLCONF = "bench.dashboard_bench_urls"
