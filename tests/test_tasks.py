"""The invoke tasks editors use: scaffolding, clear errors for missing configuration."""

import os
import subprocess
import sys

import pytest

from tests.support.sites import ROOT, build_fixture_site

INVOKE = os.path.join(os.path.dirname(sys.executable), "invoke")


def _invoke(*args, env=None):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SITEURL", "PUBLISH_"))}
    environment.update(env or {})
    return subprocess.run([INVOKE, *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120)


def test_new_post_creates_a_german_slug_and_berlin_date(tmp_path):
    from editorial.scaffold import new_post

    path = new_post("Störung über Großkunden", content_path=str(tmp_path),
                    settings={"SITE_NOW": "2026-07-01T09:30:00Z"})
    assert path.endswith("artikel/stoerung-ueber-grosskunden.md")
    text = open(path, encoding="utf-8").read()
    assert text.startswith("Title: Störung über Großkunden\nDate: 2026-07-01 11:30\n")
    for key in ("Category:", "Tags:", "Authors:", "Summary:"):
        assert key in text


def test_new_post_never_overwrites(tmp_path):
    from editorial.scaffold import ScaffoldError, new_post

    new_post("Doppelt", content_path=str(tmp_path))
    with pytest.raises(ScaffoldError, match="exists already"):
        new_post("Doppelt", content_path=str(tmp_path))


def test_a_new_post_builds_as_it_is_but_check_wants_the_placeholders_replaced(tmp_path):
    """The skeleton shows in the development build at once; `check` and `preview` (CI)
    refuse its example sentences, so an unfilled skeleton is never published."""
    from editorial.scaffold import new_post

    new_post("Ein frischer Beitrag", content_path=str(tmp_path / "content"), author="Miriam Albers",
             settings={"SITE_NOW": "2026-11-01T10:00:00+01:00"})
    result, output = build_fixture_site(tmp_path / "dev", {}, overrides={"PATH": str(tmp_path / "content")})
    assert result.ok, result.report()
    assert (output / "artikel" / "ein-frischer-beitrag" / "index.html").exists()
    result, output = build_fixture_site(tmp_path / "strict", {}, overrides={"PATH": str(tmp_path / "content")},
                                        strict=True)
    assert not result.ok
    assert sorted(p.message.split(": ")[1] for p in result.warnings) == ["Summary", "text"], result.report()


def test_preview_without_siteurl_says_what_to_set():
    done = _invoke("preview")
    assert done.returncode != 0
    assert "SITEURL" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_preview_with_a_siteurl_without_scheme_says_so():
    done = _invoke("preview", env={"SITEURL": "service.example.org"})
    assert done.returncode != 0
    assert "SITEURL: 'service.example.org' has no https://" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_publish_without_target_says_what_to_set():
    done = _invoke("publish", env={"SITEURL": "https://service.example.org"})
    assert done.returncode != 0
    assert "PUBLISH_SSH_HOST" in done.stderr
    assert "Traceback" not in done.stderr


def test_task_names_quickstart_users_know():
    listing = _invoke("--list").stdout
    for name in ["build", "rebuild", "regenerate", "serve", "livereload", "preview", "publish",
                 "gh-pages", "clean", "new-post", "check"]:
        assert f"  {name} " in listing or f"  {name}\n" in listing, name
