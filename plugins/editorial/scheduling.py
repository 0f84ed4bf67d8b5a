"""Scheduled posts: an article dated after the build's "now" is held back.

Pelican's WITH_FUTURE_DATES compares with the real clock; we compare with
german.dates.site_now so that builds and tests are deterministic. CI builds
every 15 minutes, so a scheduled article goes live within a quarter hour.
"""

from german.dates import site_now, to_berlin


def hold_back_future_articles(generator, metadata):
    date = metadata.get("date")
    if date is None or metadata.get("status") in ("draft", "hidden", "skip"):
        return
    if to_berlin(date) > site_now(generator.settings):
        metadata["status"] = "draft"
        metadata["scheduled"] = True
        # This build's output changes when the article is due (plugins/build/uptodate.py).
        settings = generator.settings
        current = settings.get("BUILD_VALID_UNTIL")
        if current is None or to_berlin(date) < to_berlin(current):
            settings["BUILD_VALID_UNTIL"] = to_berlin(date)
