"""With the broker down, pages still work and say that background jobs are delayed."""

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_pages_warn_when_the_broker_is_down(login, bureau, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    cache.clear()
    response = login(bureau).get("/")
    assert response.status_code == 200
    assert "后台任务服务暂不可用" in response.content.decode()
    assert login(bureau).get("/healthz/").json() == {"database": "ok", "broker": "down"}


def test_no_warning_with_the_embedded_broker(login, bureau, settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    cache.clear()
    assert "后台任务服务暂不可用" not in login(bureau).get("/").content.decode()
