"""Atom and RSS feeds of the notices (feedgen): one entry per update.

An entry per update, not per notice, because feed readers show an entry once:
a notice that changes from "Wir untersuchen das Problem" to "Behoben" must
arrive as news again. Entry ids are tag URIs built from the notice slug and
the update number, so they never change when a notice is edited later.
"""

from html import escape
from urllib.parse import urlparse

from feedgen.feed import FeedGenerator

from german.dates import BERLIN, datetime_long

from . import vocabulary as v
from .model import utc


def feed_paths(settings, component_id=None):
    """(atom path, rss path) below the output directory."""
    if component_id is None:
        return settings["OUTAGES_FEED_ATOM"], settings["OUTAGES_FEED_RSS"]
    return (
        settings["OUTAGES_COMPONENT_FEED_ATOM"].format(id=component_id),
        settings["OUTAGES_COMPONENT_FEED_RSS"].format(id=component_id),
    )


def entry_id(authority, notice, update):
    first_day = utc(notice.updates[0].time).date().isoformat()
    return f"tag:{authority},{first_day}:stoerungen/{notice.slug}/{update.index}"


def entry_title(notice, update):
    """'[Behoben] Internetstörung in Kiel'"""
    return f"[{update.status_label}] {notice.title}"


def _entry_html(notice, update):
    affected = ", ".join(notice.affected_names())
    parts = [
        f"<p><strong>{v.KIND_LABELS[notice.kind]}, {update.status_label}</strong> "
        f"({datetime_long(update.time)}). Betroffen: {escape(affected, quote=False)}.</p>",
        update.html,
    ]
    if update.next_update is not None:
        parts.append(f"<p>Nächstes Update: {datetime_long(update.next_update)}</p>")
    return "\n".join(parts)


def build_feed(notices, settings, quiet_since, title, self_paths, max_items, component=None):
    """Returns (atom bytes, rss bytes) for these notices' updates.

    `quiet_since` is the feed's <updated> while it has no entry: a time that
    stays the same from build to build, so readers do not see a change.
    """
    site_url = settings["SITEURL"].rstrip("/")
    authority = urlparse(site_url).hostname or "localhost"
    atom_path, rss_path = self_paths
    entries = [
        (notice, update)
        for notice in notices
        for update in notice.updates
    ]
    entries.sort(key=lambda pair: (utc(pair[1].time), pair[1].id), reverse=True)
    entries = entries[:max_items]

    feed = FeedGenerator()
    feed.id(f"{site_url}/{atom_path}")
    feed.title(title)
    feed.subtitle(
        "Störungen und Wartungsarbeiten"
        + (f" – {component.name}" if component is not None else "")
        + f" bei {settings['SITENAME']}"
    )
    feed.author({"name": settings.get("AUTHOR") or settings["SITENAME"]})
    status_page = f"{site_url}/{settings['OUTAGES_STATUS_URL']}"
    feed.link(href=status_page, rel="alternate", type="text/html")
    feed.link(href=f"{site_url}/{atom_path}", rel="self", type="application/atom+xml")
    feed.language("de")
    feed.generator("Pelican outages plugin (feedgen)")
    feed.updated(entries[0][1].time if entries else quiet_since)

    for notice, update in entries:
        entry = feed.add_entry(order="append")
        entry.id(entry_id(authority, notice, update))
        entry.guid(entry_id(authority, notice, update), permalink=False)
        entry.title(entry_title(notice, update))
        entry.link(href=f"{site_url}/{notice.url}#{update.anchor}", rel="alternate")
        entry.published(update.time)
        entry.updated(update.time)
        entry.summary(update.text)
        entry.content(_entry_html(notice, update), type="html")
        entry.category(term=notice.kind, label=v.KIND_LABELS[notice.kind])
    atom = feed.atom_str(pretty=True)
    # feedgen writes the first self link as <atom:link rel="self"> and the last
    # link of all as the channel's <link>: the RSS file itself, then /status/.
    feed.link([{"href": f"{site_url}/{rss_path}", "rel": "self", "type": "application/rss+xml"},
               {"href": status_page, "rel": "alternate", "type": "text/html"}], replace=True)
    rss = feed.rss_str(pretty=True)
    return atom, rss


def quiet_since(state, since=None):
    """<updated> of a feed without entries: the start of the availability
    record if known, else the newest update on the whole site, else the
    start of the build's day. Never the build's clock time, which would make
    an empty feed look changed on every build."""
    if since is not None:
        return since.replace(microsecond=0)
    times = [u.time for n in state.notices for u in n.updates]
    if times:
        return max(times, key=utc)
    local = state.now.astimezone(BERLIN)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def build_feeds(state, registry, settings, since=None):
    """{path: bytes} for the overall feeds and one pair per component."""
    max_items = int(settings["OUTAGES_FEED_MAX_ITEMS"])
    site = settings["SITENAME"]
    files = {}
    paths = feed_paths(settings)
    atom, rss = build_feed(state.notices, settings, quiet_since(state, since),
                           f"Störungsmeldungen – {site}", paths, max_items)
    files[paths[0]], files[paths[1]] = atom, rss
    for component in registry:
        notices = [n for n in state.notices if component.id in n.component_statuses]
        paths = feed_paths(settings, component.id)
        atom, rss = build_feed(notices, settings, quiet_since(state, component.since or since),
                               f"Störungsmeldungen {component.name} – {site}", paths,
                               max_items, component)
        files[paths[0]], files[paths[1]] = atom, rss
    return files
