"""Build-time behaviour: the queue, the feeds, the preview and the checks."""

import json
import re
import socket

import feedparser
import pytest
from bs4 import BeautifulSoup

from .conftest import ARTICLES, build_site


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    result, output = build_site(tmp_path_factory.mktemp("built"))
    assert result.ok, result.report()
    assert not result.warnings, result.report()
    queue = json.loads((output / "social" / "queue.json").read_text(encoding="utf-8"))
    return output, queue, {p["key"]: p for p in queue["posts"]}


def test_one_post_per_published_article_update_and_network(built):
    _, queue, posts = built
    assert set(posts) == {
        "artikel/vertrauen.md:mastodon",
        "artikel/vertrauen.md:bluesky",
        "artikel/netzausfall.md:mastodon",
        "artikel/netzausfall.md:bluesky",
        "artikel/eigener-text.md:mastodon",
        "artikel/eigener-text.md:bluesky",
        "stoerungen/internet-kiel.md:update-1:mastodon",
        "stoerungen/internet-kiel.md:update-1:bluesky",
        "stoerungen/internet-kiel.md:update-2:mastodon",
        "stoerungen/internet-kiel.md:update-2:bluesky",
        "stoerungen/internet-kiel.md:update-3:mastodon",
        "stoerungen/internet-kiel.md:update-3:bluesky",
    }
    # drafts, hidden and future articles, "Social: off" and the future update are not there
    dates = [p["date"] for p in queue["posts"]]
    assert dates == sorted(dates)


def test_every_post_is_stored_exactly_as_it_will_be_sent(built):
    _, _, posts = built
    post = posts["artikel/vertrauen.md:bluesky"]
    assert set(post) >= {
        "key",
        "network",
        "text",
        "facets",
        "link",
        "card",
        "reply_to",
        "language",
        "length",
        "limit",
    }
    assert post["language"] == "de"
    assert post["link"] == "https://example.org/artikel/vertrauen-entsteht-im-kleinen/"
    assert post["length"] <= post["limit"] == 300


def test_text_comes_from_social_then_summary_then_first_sentences(built):
    _, _, posts = built
    assert posts["artikel/eigener-text.md:mastodon"]["text"].startswith(
        "Zwischen den Jahren sind wir für Sie da 👩‍👩‍👧 – auch an Feiertagen."
    )
    assert posts["artikel/eigener-text.md:bluesky"]["text"].startswith(
        "Zwischen den Jahren für Sie da 👩‍👩‍👧 – die Öffnungszeiten."
    )
    assert posts["artikel/vertrauen.md:mastodon"]["text"].startswith(
        "Vertrauen entsteht nicht durch Kampagnen, sondern z. B. durch schnelle Antworten. "
        "Wir zeigen, wie das im Alltag aussieht.\n\n"
    )
    body = posts["artikel/netzausfall.md:mastodon"]["text"].split("\n\n")[0]
    assert body == (
        "Am 3. Oktober fiel bei ca. 1.500 Kundinnen und Kunden das Netz aus, z. B. in Kiel und "
        "Nr. 5 der Ringstraße. Die 2. Stufe unseres Notfallplans griff nach zehn Minuten."
    )


def test_hashtags_from_tags(built):
    _, _, posts = built
    assert posts["artikel/vertrauen.md:mastodon"]["text"].endswith(
        "#Vertrauen #SocialMedia #EMailSupport"
    )
    assert posts["artikel/netzausfall.md:bluesky"]["hashtags"] == ["Störung", "Transparenz"]


def test_bluesky_card_has_title_description_and_image(built):
    _, _, posts = built
    card = posts["artikel/vertrauen.md:bluesky"]["card"]
    assert card["uri"] == "https://example.org/artikel/vertrauen-entsteht-im-kleinen/"
    assert card["title"] == "Vertrauen entsteht im Kleinen"
    assert card["description"].startswith("Vertrauen entsteht nicht durch Kampagnen")
    assert card["image"] == "https://example.org/bilder/team.png"
    assert card["image_path"] == "bilder/team.png"
    assert posts["artikel/netzausfall.md:bluesky"]["card"]["image"] is None
    assert posts["artikel/vertrauen.md:mastodon"]["card"] is None  # Mastodon makes its own card


def test_outage_updates_use_the_fixed_pattern_and_reply_to_the_first_post(built):
    _, _, posts = built
    first = posts["stoerungen/internet-kiel.md:update-1:mastodon"]
    assert first["text"].startswith(
        "Störung: Internetstörung in Kiel\n"
        "Status: Wir untersuchen das Problem\n"
        "Betroffen: Internet Kiel, Festnetz Kiel, Glasfaser Gaarden und DSL Wellingdorf\n"
        "Stand: 24.11.2026, 07:42 Uhr (MEZ)\n"
        "Nächstes Update: 24.11.2026, 08:30 Uhr (MEZ)\n\n"
        "Seit etwa 7:15 Uhr fehlen in Kiel Internetverbindungen. Wir prüfen die Technik.\n\n"
    )
    assert first["link"] == "https://example.org/stoerungen/internet-kiel/#update-1"
    assert first["reply_to"] is None
    for index in (2, 3):
        for network in ("mastodon", "bluesky"):
            post = posts[f"stoerungen/internet-kiel.md:update-{index}:{network}"]
            assert post["reply_to"] == f"stoerungen/internet-kiel.md:update-1:{network}"
    assert "Status: Behoben" in posts["stoerungen/internet-kiel.md:update-3:bluesky"]["text"]


def test_feeds_per_network_carry_the_exact_text(built):
    output, _, posts = built
    for network in ("mastodon", "bluesky"):
        feed = feedparser.parse((output / "social" / f"{network}.atom.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        texts = {entry.content[0].value for entry in feed.entries}
        expected = {p["text"] for p in posts.values() if p["network"] == network}
        assert texts == expected
        assert all(e.id.startswith("urn:uuid:") for e in feed.entries)
        document = json.loads((output / "social" / f"{network}.json").read_text(encoding="utf-8"))
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        assert {i["content_text"] for i in document["items"]} == expected
        assert {i["_social"]["key"] for i in document["items"]} == {
            k for k, p in posts.items() if p["network"] == network
        }


def test_preview_page_shows_every_post_with_its_length(built):
    output, _, posts = built
    page = BeautifulSoup(
        (output / "social" / "vorschau" / "index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert page.html["lang"] == "de"
    assert page.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert page.h1.get_text() == "Vorschau der Social-Media-Beiträge"
    shown = [" ".join(div.get_text().split()) for div in page.select(".social-text")]
    assert sorted(shown) == sorted(" ".join(p["text"].split()) for p in posts.values())
    lengths = [p.get_text(" ", strip=True) for p in page.select(".social-length span")]
    assert f"{posts['artikel/vertrauen.md:mastodon']['length']} von 500 Zeichen" in lengths
    meter = page.select_one(".social-length meter")
    assert meter["aria-label"].startswith("Länge: ")
    excluded = page.select_one(".social-excluded").get_text(" ", strip=True)
    for reason in (
        "Social: off",
        "versteckt (Status: hidden)",
        "Entwurf (Status: draft)",
        "geplant für 25.11.2026, 08:00 Uhr (MEZ)",
    ):
        assert reason in excluded
    assert page.find("link", href=lambda h: h and h.endswith("/theme/css/social.css"))


def test_keys_do_not_change_with_siteurl_or_slug(tmp_path, built):
    _, _, before = built
    files = dict(ARTICLES)
    files["artikel/vertrauen.md"] = files["artikel/vertrauen.md"].replace(
        "Date:", "Slug: vertrauen-neu\n        Date:"
    )
    result, output = build_site(
        tmp_path, files, SITEURL="https://neu.example.net", FEED_DOMAIN="https://neu.example.net"
    )
    assert result.ok, result.report()
    after = {
        p["key"]: p for p in json.loads((output / "social" / "queue.json").read_text())["posts"]
    }
    assert set(after) == set(before)
    assert (
        after["artikel/vertrauen.md:mastodon"]["link"]
        == "https://neu.example.net/artikel/vertrauen-neu/"
    )


PROBLEMS = {
    "artikel/zulang.md": """
        Title: Ein Artikel mit zu langem Text für Bluesky
        Date: 2026-11-20 09:00
        Category: Team
        Social: {text}

        Text.
        """.replace("{text}", "Dieser Text ist für Bluesky viel zu lang geraten. " * 7),
    "artikel/ohne-text.md": """
        Title: Nur ein Bild
        Date: 2026-11-20 10:00
        Category: Team

        ## Eine Überschrift

            code only
        """,
}


def test_problems_are_warnings_that_name_the_article_and_the_network(tmp_path):
    result, output = build_site(tmp_path, {**ARTICLES, **PROBLEMS})
    assert result.ok, result.report()  # a normal build shows them …
    messages = [p.message for p in result.warnings]
    assert any(
        m.startswith(
            "content/artikel/zulang.md: Social (Bluesky): the 'Social:' text gives a post of"
        )
        and "expected at most 300" in m
        for m in messages
    ), messages
    assert not any(m.startswith("content/artikel/zulang.md: Social (Mastodon)") for m in messages)
    for network in ("Mastodon", "Bluesky"):
        assert any(
            m.startswith(f"content/artikel/ohne-text.md: Social ({network}): no text for the post")
            for m in messages
        ), messages
    keys = {p["key"] for p in json.loads((output / "social" / "queue.json").read_text())["posts"]}
    assert "artikel/zulang.md:mastodon" in keys and "artikel/zulang.md:bluesky" not in keys
    page = (output / "social" / "vorschau" / "index.html").read_text(encoding="utf-8")
    assert "erlaubt sind 300" in page


def test_check_and_preview_fail_on_them(tmp_path):
    result, _ = build_site(tmp_path, {**ARTICLES, **PROBLEMS}, strict=True)
    assert not result.ok


def test_no_preview_in_production(tmp_path):
    result, output = build_site(tmp_path, PRODUCTION=True)
    assert result.ok, result.report()
    assert (output / "social" / "queue.json").exists()
    assert not (output / "social" / "vorschau").exists()


def test_the_build_never_touches_the_network(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError(f"the build opened a connection: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result, output = build_site(tmp_path)
    assert result.ok, result.report()
    assert (output / "social" / "queue.json").exists()


def test_feeds_and_preview_show_only_the_newest_posts_when_limited(tmp_path):
    result, output = build_site(tmp_path, SOCIAL_FEED_MAX_ITEMS=2, SOCIAL_PREVIEW_MAX_POSTS=2)
    assert result.ok, result.report()
    posts = json.loads((output / "social" / "queue.json").read_text())["posts"]
    newest = [p["text"] for p in posts if p["network"] == "mastodon"][-2:]
    feed = feedparser.parse((output / "social" / "mastodon.atom.xml").read_bytes())
    assert [e.content[0].value for e in feed.entries] == newest[::-1]
    page = BeautifulSoup((output / "social" / "vorschau" / "index.html").read_text(), "html.parser")
    section = page.select_one(".social-network")
    assert len(section.select(".social-post")) == 2
    assert "Hier stehen die 2 neuesten" in section.get_text()
    assert section.h2.get_text() == "Mastodon (6 Beiträge)"


def test_a_queue_set_on_another_plugins_address_is_an_error_not_an_overwrite(tmp_path):
    """SOCIAL_QUEUE_SAVE_AS pointing at the JSON Feed: one clear error naming
    both writers, and no site (the build runner keeps the previous output)."""
    result, output = build_site(tmp_path, PLUGINS=["german", "editorial", "social", "fake_outages", "feeds"],
                                JSON_FEED="feeds/all.json", SOCIAL_QUEUE_SAVE_AS="feeds/all.json")
    assert not result.ok
    messages = [p.message for p in result.errors]
    assert len(messages) == 1, messages
    assert re.fullmatch(r"the (feeds|social) plugin: address /feeds/all\.json: also written for "
                        r"the (social|feeds) plugin; expected each address once .*", messages[0]), messages[0]
    assert "the social plugin" in messages[0] and "the feeds plugin" in messages[0]
    assert "Traceback" not in result.report() and not output.exists()
