"""Strict parsing of environment variables.

A typo in production configuration must stop the app at start, not silently fall back
to a default (the healthchecks `envbool` idea).
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be <= {maximum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


MEDIA_STORAGES = ("local", "s3")


def media_storage(local_root: str) -> dict:
    """STORAGES["default"] from MEDIA_STORAGE: "local" (files under `local_root`, the default) or
    "s3": an S3-compatible object store through django-storages, shared by every machine.

    S3 reads AWS_STORAGE_BUCKET_NAME (required), AWS_S3_ENDPOINT_URL (MinIO, Ceph, a cloud's
    S3 endpoint), AWS_S3_REGION_NAME, AWS_S3_ADDRESSING_STYLE ("path" for most self-hosted
    stores), AWS_LOCATION (key prefix) and the keys AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    (unset: boto3 finds credentials itself, e.g. an instance role). Objects are private and
    never overwritten; the app serves them through its access-checked views, never by URL.
    """
    kind = env_str("MEDIA_STORAGE", "local").strip().lower() or "local"
    if kind not in MEDIA_STORAGES:
        raise ImproperlyConfigured(f"MEDIA_STORAGE must be one of {', '.join(MEDIA_STORAGES)}, got {kind!r}")
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": local_root}}
    bucket = env_str("AWS_STORAGE_BUCKET_NAME").strip()
    if not bucket:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    optional = {
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
        "region_name": env_str("AWS_S3_REGION_NAME"),
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE"),
        "access_key": env_str("AWS_ACCESS_KEY_ID"),
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
    }
    options = {
        "bucket_name": bucket,
        "location": env_str("AWS_LOCATION").strip("/"),
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
        "signature_version": "s3v4",
        **{key: value.strip() for key, value in optional.items() if value.strip()},
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
