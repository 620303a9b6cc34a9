"""`make run` collects the static files with the production storage; a file it cannot
post-process (e.g. a CSS file of an npm package pointing at a missing icon) stops the start."""

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        # The manifest post-processing of whitenoise's CompressedManifestStaticFilesStorage
        # (settings.base), without its compression, which only costs time here.
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "utrecht-tokens/index.css" in manifest
    assert "utrecht/index.css" in manifest
    # Only the named files of the npm packages, not their whole dist folders.
    assert "utrecht-tokens/tokens.json" not in manifest
    assert "background-image-icon.css" not in manifest
