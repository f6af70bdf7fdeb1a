"""Where files live: local MEDIA_ROOT by default, an S3-compatible bucket with MEDIA_STORAGE=s3
(several machines share it), configured by environment variables only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from balance_inspect.env import media_storage

ROOT = Path(__file__).resolve().parents[2]
S3_ENV = (
    "MEDIA_STORAGE",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_LOCATION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)


@pytest.fixture
def s3_env(monkeypatch):
    for name in S3_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MEDIA_STORAGE", "s3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "balance-files")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://minio.internal:9000")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "us-east-1")
    monkeypatch.setenv("AWS_S3_ADDRESSING_STYLE", "path")
    monkeypatch.setenv("AWS_LOCATION", "/county-files/")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "bench-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "bench-secret")
    return monkeypatch


def test_files_are_local_under_media_root_by_default(monkeypatch):
    monkeypatch.delenv("MEDIA_STORAGE", raising=False)
    assert media_storage("/srv/files") == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/files"},
    }


def test_s3_is_chosen_and_configured_from_the_environment(s3_env):
    storage = media_storage("/srv/files")
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "balance-files",
        "endpoint_url": "http://minio.internal:9000",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "location": "county-files",
        "access_key": "bench-key",
        "secret_key": "bench-secret",
        "default_acl": "private",  # served only through access-checked views, never by URL
        "file_overwrite": False,
        "querystring_auth": True,
        "signature_version": "s3v4",
    }


def test_s3_without_keys_leaves_credentials_to_boto3(s3_env):
    s3_env.delenv("AWS_ACCESS_KEY_ID")
    s3_env.delenv("AWS_SECRET_ACCESS_KEY")
    assert not {"access_key", "secret_key"} & set(media_storage("/srv/files")["OPTIONS"])


def test_s3_without_a_bucket_stops_the_app(s3_env):
    s3_env.delenv("AWS_STORAGE_BUCKET_NAME")
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        media_storage("/srv/files")


def test_an_unknown_storage_stops_the_app(monkeypatch):
    monkeypatch.setenv("MEDIA_STORAGE", "ftp")
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE"):
        media_storage("/srv/files")


def test_the_settings_module_builds_the_s3_storage_from_the_environment(s3_env):
    code = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.storage import default_storage\n"
        "print(settings.STORAGES['default']['BACKEND'])\n"
        "print(type(default_storage._setup() or default_storage._wrapped).__name__, default_storage.bucket_name)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "balance_inspect.settings"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["storages.backends.s3.S3Storage", "S3Storage", "balance-files"]


@pytest.mark.django_db
def test_files_make_the_round_trip_through_an_s3_bucket(s3_env, settings):
    """Against moto's in-process S3: the storage API and a FileField (a dossier's PDF) alike."""
    moto = pytest.importorskip("moto")
    import boto3

    from dossiers.models import Dossier
    from tests.factories import CountyFactory

    s3_env.delenv("AWS_S3_ENDPOINT_URL")  # moto intercepts the default AWS endpoint
    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="balance-files")
        settings.STORAGES = {**settings.STORAGES, "default": media_storage(settings.MEDIA_ROOT)}
        from django.core.files.storage import default_storage

        name = default_storage.save("imports/1.xlsx", ContentFile(b"PK\x03\x04 roster"))
        assert default_storage.exists(name)
        with default_storage.open(name, "rb") as fh:
            assert fh.read() == b"PK\x03\x04 roster"
        second = default_storage.save("imports/1.xlsx", ContentFile(b"other"))
        assert second != name  # never overwritten

        dossier = Dossier.objects.create(county=CountyFactory(), year=2025, scheme="quality-2017", version=1)
        dossier.file.save("d.pdf", ContentFile(b"%PDF-1.7 dossier"), save=True)
        dossier.refresh_from_db()
        assert dossier.file.open("rb").read() == b"%PDF-1.7 dossier"
        keys = [
            o["Key"]
            for o in boto3.client("s3", region_name="us-east-1").list_objects_v2(Bucket="balance-files")[
                "Contents"
            ]
        ]
        assert all(k.startswith("county-files/") for k in keys) and len(keys) == 3
        assert not Path(settings.MEDIA_ROOT, "imports").exists()  # nothing written locally
        default_storage.delete(name)
        assert not default_storage.exists(name)
