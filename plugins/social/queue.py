"""The social queue: every post exactly as it will be sent, built from the
content objects at build time.

Each post has a key made of the source file (relative to the content folder),
the outage update index and the network, e.g. ``artikel/vertrauen.md:mastodon``
or ``stoerungen/hotline.md:update-2:bluesky``. Unlike feed GUIDs it does not
contain SITEURL or the slug, so moving the site or renaming a slug never makes
an old article "new". (Renaming the *file* changes the key; the poster then
still recognises the post by its link in the ledger and on the timeline.)
"""

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import lxml.html
from german.dates import datetime_long, iso, site_now, to_berlin

from .compose import CompositionError, card_description, clean_text, compose, networks_from_settings

QUEUE_VERSION = 1
OFF = {"off", "aus", "nein", "no", "false", "0"}
_NOT_PROSE = ("pre", "figure", "table", "aside", "blockquote", "details", "nav", "script", "style")


@dataclass
class Problem:
    """A post that cannot be made; logged as a warning naming file and network."""

    source: str
    network: str
    message: str
    title: str = ""
    german: str = ""


@dataclass
class Excluded:
    """Content that deliberately has no post (shown on the preview page)."""

    source: str
    title: str
    reason: str


@dataclass
class QueueResult:
    posts: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    networks: list = field(default_factory=list)


def post_key(source, network, update=None):
    """Stable key; ASCII (percent-encoded) so it can travel as an HTTP header."""
    key = quote(source.replace(os.sep, "/"), safe="/._-~")
    if update is not None:
        key += f":update-{update}"
    return f"{key}:{network}"


def display_path(source_path, settings):
    """content/artikel/x.md – the path as an editor sees it in the repository."""
    base = os.path.dirname(os.path.abspath(settings["PATH"]))
    return os.path.relpath(os.path.abspath(source_path), base).replace(os.sep, "/")


def content_relative(obj, settings):
    rel = getattr(obj, "relative_source_path", None)
    if not rel:
        rel = os.path.relpath(os.path.abspath(obj.source_path), os.path.abspath(settings["PATH"]))
    return rel.replace(os.sep, "/")


def absolute(siteurl, url):
    if url.startswith(("http://", "https://")):
        return url
    return f"{siteurl.rstrip('/')}/{url.lstrip('/')}"


_BLOCK_END = re.compile(r"(</(?:p|li|h[1-6]|blockquote|div|tr)>|<br\s*/?>)", re.IGNORECASE)
# Blocks that are not running text: their content never makes a summary.
_PROSE_XPATH = ".//p[not(ancestor::{})]".format(" or ancestor::".join(_NOT_PROSE))


def _fragment(html):
    """Parsed HTML fragment (lxml: a build of thousands of articles notices
    the difference to a pure-Python parser)."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def plain_text(html):
    """Visible text of an HTML fragment (titles, summaries); blocks on lines of their own."""
    html = str(html or "")
    if "<" not in html and "&" not in html:
        return clean_text(html)
    separated = _BLOCK_END.sub(
        lambda m: m.group(0) + ("\n" if m.group(0)[1] == "b" else "\n\n"), html
    )
    return clean_text(_fragment(separated).text_content())


# A post or card never needs more than the first few hundred characters; parsing
# a 20-page article completely would cost a 4,000-article site seconds per build.
PROSE_PREFIX = 4000


def _prefix(html, size=PROSE_PREFIX):
    """The start of an HTML text, ending after a closing </p> past `size`."""
    if len(html) <= size:
        return html
    end = html.find("</p>", size)
    return html if end < 0 else html[: end + 4]


def prose_text(html, enough=1500):
    """The running text at the start of an article: its paragraphs (until
    `enough` characters), without code, tables, figures, quotes and footnote marks."""
    html = _prefix(str(html or ""))
    if "<p" not in html:
        return ""
    root = _fragment(html)
    for mark in root.xpath(".//sup | .//script | .//style"):
        mark.drop_tree()
    paragraphs, size = [], 0
    for paragraph in root.xpath(_PROSE_XPATH):
        text = " ".join(clean_text(paragraph.text_content()).split())
        if text:
            paragraphs.append(text)
            size += len(text)
            if size >= enough:
                break
    return "\n\n".join(paragraphs)


def _field(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _meta_text(value):
    """Metadata as one string; Pelican gives continuation lines as a list."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


def _is_off(value):
    return value is not None and value.strip().lower() in OFF


def _image(obj, context, siteurl):
    value = _meta_text(obj.metadata.get("image"))
    if not value:
        return None
    path = value.strip()
    for prefix in ("{static}", "{attach}", "{filename}"):
        path = path.removeprefix(prefix)
    path = path.lstrip("/")
    static = (context.get("static_content") or {}).get(path)
    url = getattr(static, "url", None) or path
    save_as = getattr(static, "save_as", None) or path
    return {
        "url": absolute(siteurl, url),
        "path": save_as.replace(os.sep, "/"),
        "alt": plain_text(_meta_text(obj.metadata.get("image-alt")) or ""),
    }


def _tags(obj):
    return [getattr(tag, "name", str(tag)) for tag in (_field(obj, "tags") or [])]


class _Builder:
    def __init__(self, context, settings):
        self.context = context
        self.settings = settings
        self.now = site_now(settings)
        self.siteurl = (settings.get("SITEURL") or "").rstrip("/")
        self.networks = networks_from_settings(settings)
        self.max_tags = int(settings.get("SOCIAL_HASHTAGS_MAX", 3))
        self.max_sentences = settings.get("SOCIAL_SENTENCES", 2)
        self.card_length = int(settings.get("SOCIAL_CARD_DESCRIPTION_LENGTH", 200))
        self.result = QueueResult(networks=self.networks)

    # -- articles -------------------------------------------------------
    def article(self, article):
        source = content_relative(article, self.settings)
        shown = display_path(article.source_path, self.settings)
        title = plain_text(article.title)
        status = getattr(article, "status", "published")
        if status != "published":
            self.result.excluded.append(Excluded(shown, title, f"Status: {status}"))
            return
        date = to_berlin(article.date)
        if date > self.now:
            self.result.excluded.append(
                Excluded(
                    shown,
                    title,
                    f"geplant für {datetime_long(date)}; der Beitrag folgt nach dem Erscheinen",
                )
            )
            return
        meta = article.metadata
        social = _meta_text(meta.get("social"))
        if _is_off(social):
            self.result.excluded.append(Excluded(shown, title, "Social: off"))
            return
        summary = plain_text(article.summary) if "summary" in meta else ""
        body = "" if summary else prose_text(article.content)  # only parsed when needed
        link = absolute(self.siteurl, article.url)
        image = _image(article, self.context, self.siteurl)
        for network in self.networks:
            specific = _meta_text(meta.get(f"social-{network.name}"))
            if _is_off(specific):
                self.result.excluded.append(Excluded(shown, title, f"Social-{network.label}: off"))
                continue
            explicit = specific if specific is not None else social
            try:
                if explicit is not None:
                    key_name = f"Social-{network.label}" if specific is not None else "Social"
                    composed = compose(
                        network,
                        link=link,
                        text=explicit,
                        tags=_tags(article),
                        max_tags=self.max_tags,
                        what=f"'{key_name}:' text",
                    )
                elif summary or body:
                    composed = compose(
                        network,
                        link=link,
                        source=summary or body,
                        tags=_tags(article),
                        max_tags=self.max_tags,
                        max_sentences=None if summary else self.max_sentences,
                        what="summary" if summary else "article text",
                    )
                else:
                    raise CompositionError(
                        "no text for the post; expected a 'Social:' line, a 'Summary:' "
                        "or a first paragraph",
                        "Kein Text für den Beitrag: Bitte eine Zeile „Social:“, eine "
                        "„Summary:“ oder einen ersten Absatz schreiben.",
                    )
            except CompositionError as exc:
                self.result.problems.append(
                    Problem(shown, network.label, str(exc), title, exc.german)
                )
                continue
            card = None
            if network.card:
                card = {
                    "uri": link,
                    "title": title,
                    "description": card_description(summary or body, self.card_length),
                    "image": image["url"] if image else None,
                    "image_path": image["path"] if image else None,
                    "image_alt": image["alt"] if image else None,
                }
            self.result.posts.append(
                self._post(network, composed, source, None, "article", title, date, link, card)
            )

    def unpublished(self, article):
        """Drafts, scheduled and hidden articles: listed on the preview page only."""
        status = getattr(article, "status", "draft")
        if article.metadata.get("scheduled") or to_berlin(article.date) > self.now:
            reason = (
                f"geplant für {datetime_long(article.date)}; der Beitrag folgt nach dem Erscheinen"
            )
        elif status == "hidden":
            reason = "versteckt (Status: hidden)"
        else:
            reason = "Entwurf (Status: draft)"
        self.result.excluded.append(
            Excluded(
                display_path(article.source_path, self.settings), plain_text(article.title), reason
            )
        )

    # -- outage notices -------------------------------------------------
    def notice(self, notice):
        source = content_relative(notice, self.settings)
        shown = display_path(notice.source_path, self.settings)
        title = plain_text(notice.title)
        meta = getattr(notice, "metadata", {}) or {}
        if _is_off(_meta_text(meta.get("social"))):
            self.result.excluded.append(Excluded(shown, title, "Social: off"))
            return
        link = absolute(self.siteurl, notice.url)
        roots = {}
        for update in sorted(_field(notice, "updates") or [], key=lambda u: _field(u, "index")):
            index = _field(update, "index")
            time = to_berlin(_field(update, "time"))
            if time > self.now:
                continue
            # Each update links to its own place on the notice page when the
            # outages plugin gives it an anchor: readers land on the update,
            # and each post has a link of its own to be recognised by.
            anchor = _field(update, "anchor")
            update_link = f"{link}#{anchor}" if anchor else link
            for network in self.networks:
                try:
                    composed = self._outage_post(network, notice, update, update_link)
                except CompositionError as exc:
                    self.result.problems.append(
                        Problem(
                            f"{shown} (Update {index})", network.label, str(exc), title, exc.german
                        )
                    )
                    continue
                root = roots.get(network.name)
                post = self._post(
                    network,
                    composed,
                    source,
                    index,
                    "outage-update",
                    title,
                    time,
                    update_link,
                    self._outage_card(network, notice, update, update_link, title),
                    reply_to=root,
                )
                roots.setdefault(network.name, post["key"])
                self.result.posts.append(post)

    def _outage_card(self, network, notice, update, link, title):
        if not network.card:
            return None
        status = _field(update, "status_label") or _field(update, "status") or ""
        description = f"{status}. {clean_text(_field(update, 'text') or '')}".strip()
        return {
            "uri": link,
            "title": title,
            "description": card_description(description, self.card_length),
            "image": None,
            "image_path": None,
            "image_alt": None,
        }

    def _outage_post(self, network, notice, update, link):
        """The fixed German pattern; long component lists shrink to "A, B und 3 weitere"."""
        names = [
            str(_field(c, "name") or _field(c, "id")) for c in (_field(notice, "components") or [])
        ]
        variants = [names] + [names[:k] for k in range(len(names) - 1, 0, -1)]
        last_error = None
        for shown in variants:
            head = outage_head(notice, update, shown, len(names) - len(shown))
            try:
                return compose(
                    network,
                    link=link,
                    head=head,
                    source=_field(update, "text") or "",
                    tags=_tags(notice),
                    max_tags=self.max_tags,
                    text_optional=True,
                    max_sentences=None,
                    what="update text",
                )
            except CompositionError as exc:
                last_error = exc
        raise last_error

    def _post(
        self, network, composed, source, update, kind, title, date, link, card, reply_to=None
    ):
        return {
            "key": post_key(source, network.name, update),
            "network": network.name,
            "kind": kind,
            "source": source,
            "update": update,
            "title": title,
            "date": iso(date),
            "link": link,
            "language": "de",
            "text": composed.text,
            "length": composed.length,
            "limit": network.limit,
            "bytes": len(composed.text.encode("utf-8")),
            "hashtags": composed.hashtags,
            "facets": composed.facets if network.facets else [],
            "card": card,
            "reply_to": reply_to,
        }


def outage_head(notice, update, components, more=0):
    """Status, affected components, next update – the lines every outage post has."""
    kind = _field(notice, "kind") or "incident"
    label = "Wartungsarbeiten" if kind == "maintenance" else "Störung"
    lines = [f"{label}: {plain_text(_field(notice, 'title'))}"]
    status = _field(update, "status_label") or _field(update, "status")
    if status:
        lines.append(f"Status: {status}")
    if components:
        listed = ", ".join(components)
        if more:
            listed += f" und {more} weitere"
        elif len(components) > 1:
            listed = ", ".join(components[:-1]) + " und " + components[-1]
        lines.append(f"Betroffen: {listed}")
    start = _field(notice, "scheduled_start") or _field(notice, "start")
    end = _field(notice, "scheduled_end") or _field(notice, "end")
    if kind == "maintenance" and start and end:
        lines.append(f"Zeitraum: {datetime_long(start)} bis {datetime_long(end)}")
    lines.append(f"Stand: {datetime_long(_field(update, 'time'))}")
    next_update = _field(update, "next_update")
    if next_update:
        lines.append(f"Nächstes Update: {datetime_long(next_update)}")
    return "\n".join(lines)


def build_queue(context, settings):
    """Posts for every published article and every outage update up to "now"."""
    builder = _Builder(context, settings)
    for article in context.get("articles") or []:
        builder.article(article)
    for article in (context.get("drafts") or []) + (context.get("hidden_articles") or []):
        builder.unpublished(article)
    for notice in context.get("outage_notices") or []:
        builder.notice(notice)
    builder.result.posts.sort(
        key=lambda p: (
            dt.datetime.fromisoformat(p["date"]),
            p["source"],
            p["update"] or 0,
            p["network"],
        )
    )
    return builder.result


def queue_document(result, settings):
    """The JSON document written to /social/queue.json."""
    return {
        "version": QUEUE_VERSION,
        "generated": iso(site_now(settings)),
        "site_url": (settings.get("SITEURL") or "").rstrip("/"),
        "networks": {
            n.name: {
                "label": n.label,
                "limit": n.limit,
                "max_bytes": n.max_bytes,
                "url_length": n.url_length,
            }
            for n in result.networks
        },
        "posts": result.posts,
    }
