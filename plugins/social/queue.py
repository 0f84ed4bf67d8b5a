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
import json
import os
import re
from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import quote

import lxml.etree
import lxml.html

from german.dates import datetime_long, iso, site_now, to_berlin
from kit import pelican_door
from kit.problems import display_path

from .cache import CacheDamaged, digest, key_digest, stable
from .compose import (
    CompositionError,
    card_description,
    clean_text,
    compose,
    networks_from_settings,
    remove_invisible,
)

QUEUE_VERSION = 1
_MISSING = object()
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


class PostRecord:
    """One queued post: where it sorts, and its JSON (UTF-8) exactly as
    queue.json holds it. The dict is made from that JSON only when someone
    asks (the feeds and the preview want the newest few, not all 8,000 of a
    big site)."""

    __slots__ = ("_post", "fragment", "sort_key")

    def __init__(self, sort_key, fragment):
        self.sort_key = sort_key  # (time stamp, source, update or 0, network)
        self.fragment = fragment
        self._post = None

    @property
    def network(self):
        return self.sort_key[3]

    @property
    def post(self):
        if self._post is None:
            self._post = json.loads(self.fragment)
        return self._post


@dataclass
class QueueResult:
    records: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    networks: list = field(default_factory=list)
    # The first moment after "now" at which the queue changes (a scheduled
    # article or an outage update falls due), or None.
    valid_until: object = None

    def network_records(self, network, limit=0):
        """The posts of one network in queue order; with `limit` the newest ones."""
        index = self.__dict__.get("_by_network")
        if index is None or index[0] != len(self.records):
            by_network = {}
            for record in self.records:
                by_network.setdefault(record.sort_key[3], []).append(record)
            index = self.__dict__["_by_network"] = (len(self.records), by_network)
        mine = index[1].get(network, [])
        return mine[-limit:] if limit else list(mine)


def post_key(source, network, update=None):
    """Stable key; ASCII (percent-encoded) so it can travel as an HTTP header."""
    key = quote(source.replace(os.sep, "/"), safe="/._-~")
    if update is not None:
        key += f":update-{update}"
    return f"{key}:{network}"


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


_HTML_PARSER = lxml.etree.HTMLParser()  # lxml.html's parser, without its element classes
_STRING = lxml.etree.XPath("string()")  # what lxml.html's text_content() evaluates
_FULL_HTML = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)  # as lxml.html tests


def _body(html):
    """The <body> that lxml.html.fragment_fromstring parses `html` into,
    with plain lxml.etree elements: lxml.html looks up a Python element
    class for every element it hands out, a third of prose_text's time.
    None for whatever lxml.html would treat differently (then: lxml.html)."""
    if _FULL_HTML.match(html):
        return None
    document = lxml.etree.fromstring(f"<html><body>{html}</body></html>", _HTML_PARSER)
    if document is None or document.tag != "html":
        return None
    bodies = [element for element in document if element.tag == "body"]
    return bodies[0] if len(bodies) == 1 else None


def _drop_tree(element):
    """lxml.html's drop_tree: remove the element, keep its tail text."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


# One paragraph of plain characters – what most summaries are. Its text is
# what lxml would give; characters an HTML parser changes or drops (CR,
# controls, non-characters) and markup or entities take the parser's way.
_SIMPLE_PARAGRAPH = re.compile(
    "<p>([^<>&\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]*)</p>"
)


def plain_text(html):
    """Visible text of an HTML fragment (titles, summaries); blocks on lines of their own."""
    html = str(html or "")
    if "<" not in html and "&" not in html:
        return clean_text(html)
    simple = _SIMPLE_PARAGRAPH.fullmatch(html)
    if simple is not None:
        return clean_text(simple.group(1))
    separated = _BLOCK_END.sub(
        lambda m: m.group(0) + ("\n" if m.group(0)[1] == "b" else "\n\n"), html
    )
    return clean_text(_fragment(separated).text_content())


def typed_text(text):
    """A title or alt text as posted: those are plain text on this site (the
    theme escapes them), so what looks like markup in one is kept as typed."""
    return clean_text(str(text or ""))


# A post or card never needs more than the first few hundred characters; parsing
# a 20-page article completely would cost a 4,000-article site seconds per build.
PROSE_PREFIX = 4000


def _prefix(html, size=PROSE_PREFIX):
    """The start of an HTML text, ending after a closing </p> past `size`."""
    if len(html) <= size:
        return html
    end = html.find("</p>", size)
    return html if end < 0 else html[: end + 4]


def raw_content(document):
    """The document's HTML as its reader made it, before Pelican points the
    {filename}/{static} links at their URLs: the same text (links change only
    attribute values), so posts do not depend on other documents' URLs, and
    it is there without a pass over every article's HTML."""
    return pelican_door.html_before_links(document)


def _body_digest(document):
    """Hash of the part of the body that prose_text reads."""
    return digest(_prefix(str(raw_content(document) or "")))


def prose_text(html, enough=1500):
    """The running text at the start of an article: its paragraphs (until
    `enough` characters), without code, tables, figures, quotes and footnote marks."""
    html = _prefix(str(html or ""))
    if "<p" not in html:
        return ""
    root = _body(html)
    if root is None:
        root = _fragment(html)
        for mark in root.xpath(".//sup | .//script | .//style"):
            mark.drop_tree()
    else:
        for mark in root.xpath(".//sup | .//script | .//style"):
            _drop_tree(mark)
    paragraphs, size = [], 0
    for paragraph in root.xpath(_PROSE_XPATH):
        # " ".join(clean_text(…).split()): only the invisible characters need
        # removing first; clean_text's line handling is whitespace to split().
        text = " ".join(remove_invisible(_STRING(paragraph)).split())
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
        "alt": typed_text(_meta_text(obj.metadata.get("image-alt")) or ""),
    }


def _tags(obj):
    names = []
    for tag in _field(obj, "tags") or []:
        name = getattr(tag, "name", _MISSING)  # str(tag) only when needed
        names.append(str(tag) if name is _MISSING else name)
    return names


# What a notice's posts say about its time span.
_NOTICE_TIMES = ("scheduled_start", "start", "scheduled_end", "end")


class _Builder:
    """Turns content objects into queue events – ("post", sort key, JSON),
    ("problem", …), ("excluded", …) – per document, from the cache when what
    composition reads of the document is unchanged."""

    def __init__(self, context, settings, cache=None):
        self.context = context
        self.settings = settings
        self.now = site_now(settings)
        self.siteurl = settings["SITEURL"].rstrip("/")
        self.networks = networks_from_settings(settings)
        self.max_tags = int(settings["SOCIAL_HASHTAGS_MAX"])
        self.max_sentences = settings["SOCIAL_SENTENCES"]
        self.card_length = int(settings["SOCIAL_CARD_DESCRIPTION_LENGTH"])
        self.cache = cache if cache is not None and cache.enabled else None
        self.result = QueueResult(networks=self.networks)

    def _after_now(self, moment):
        """moment > now; remembers the earliest such moment (see valid_until)."""
        if moment <= self.now:
            return False
        if self.result.valid_until is None or moment < self.result.valid_until:
            self.result.valid_until = moment
        return True

    # -- events ---------------------------------------------------------
    def _replay(self, events):
        """Add a document's events to the result; checks what came from the cache."""
        result = self.result
        for event in events:
            kind = event[0] if type(event) is tuple and event else None
            if kind == "post" and len(event) == 3:
                sort_key, fragment = event[1], event[2]
                if type(sort_key) is not tuple or len(sort_key) != 4 or type(fragment) is not bytes:
                    raise CacheDamaged("a post without its sort key or text")
                result.records.append(PostRecord(sort_key, fragment))
            elif kind == "problem" and len(event) == 6:
                result.problems.append(Problem(*event[1:]))
            elif kind == "excluded" and len(event) == 4:
                result.excluded.append(Excluded(*event[1:]))
            else:
                raise CacheDamaged(f"unexpected event {str(event)[:80]!r}")

    def _cached(self, document, key, compose_events):
        """Events of `document`: cached if its key (and, when the body was
        read, the body) is unchanged, else composed and remembered."""
        if self.cache is None or key is None:
            events, _ = compose_events(document)
            self._replay(events)
            return
        source = content_relative(document, self.settings)
        events = self.cache.get(source, key, lambda: _body_digest(document))
        if events is None:
            events, body = compose_events(document)
            self.cache.put(source, key, body, events)
        self._replay(events)

    @staticmethod
    def _post_event(post):
        when = int(dt.datetime.fromisoformat(post["date"]).timestamp())
        sort_key = (when, post["source"], post["update"] or 0, post["network"])
        return ("post", sort_key, post_json(post))

    # -- articles -------------------------------------------------------
    def _article_key(self, article):
        """Hash of everything `_article_events` reads, except the body text
        (which the cache compares separately, and only when it was read).
        "Now" enters only as "is it in the future": a new day does not
        invalidate anything, but a scheduled article appears when due.
        None when something cannot be hashed reliably (then: no cache)."""
        try:
            meta = article.metadata
            date = to_berlin(article.date)
            parts = (
                "article",
                # the source as queue keys and messages show it
                content_relative(article, self.settings),
                display_path(article.source_path, self.settings),
                str(article.title or ""),
                getattr(article, "status", "published"),
                date.isoformat(),
                self._after_now(date),
                _meta_text(meta.get("social")),
                tuple(_meta_text(meta.get(f"social-{n.name}")) for n in self.networks),
                str(article.summary or "") if "summary" in meta else None,
                article.url,
                stable(_image(article, self.context, self.siteurl)),
                tuple(_tags(article)),
            )
            return key_digest(parts)
        except Exception:  # noqa: BLE001 - composing will say what is wrong, uncached
            return None

    def article(self, article):
        self._cached(article, self._article_key(article), self._article_events)

    def _article_events(self, article):
        """(events, body hash or None) – the posts for one article, composed."""
        events = []
        source = content_relative(article, self.settings)
        shown = display_path(article.source_path, self.settings)
        title = typed_text(article.title)
        status = getattr(article, "status", "published")
        if status != "published":
            events.append(("excluded", shown, title, f"Status: {status}"))
            return tuple(events), None
        date = to_berlin(article.date)
        if self._after_now(date):
            events.append(
                (
                    "excluded",
                    shown,
                    title,
                    f"geplant für {datetime_long(date)}; der Beitrag folgt nach dem Erscheinen",
                )
            )
            return tuple(events), None
        meta = article.metadata
        social = _meta_text(meta.get("social"))
        if _is_off(social):
            events.append(("excluded", shown, title, "Social: off"))
            return tuple(events), None
        summary = plain_text(article.summary) if "summary" in meta else ""
        body, body_hash = "", None
        if not summary:  # only parsed when needed
            body = prose_text(raw_content(article))
            body_hash = _body_digest(article)
        link = absolute(self.siteurl, article.url)
        image = _image(article, self.context, self.siteurl)
        tags = _tags(article)
        for network in self.networks:
            specific = _meta_text(meta.get(f"social-{network.name}"))
            if _is_off(specific):
                events.append(("excluded", shown, title, f"Social-{network.label}: off"))
                continue
            explicit = specific if specific is not None else social
            try:
                if explicit is not None:
                    key_name = f"Social-{network.label}" if specific is not None else "Social"
                    composed = compose(
                        network,
                        link=link,
                        text=explicit,
                        tags=tags,
                        max_tags=self.max_tags,
                        what=f"'{key_name}:' text",
                    )
                elif summary or body:
                    composed = compose(
                        network,
                        link=link,
                        source=summary or body,
                        tags=tags,
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
                events.append(("problem", shown, network.label, str(exc), title, exc.german))
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
            events.append(
                self._post_event(
                    self._post(network, composed, source, None, "article", title, date, link, card)
                )
            )
        return tuple(events), body_hash

    def unpublished(self, article):
        """Drafts, scheduled and hidden articles: listed on the preview page only."""
        status = getattr(article, "status", "draft")
        if article.metadata.get("scheduled") or self._after_now(to_berlin(article.date)):
            reason = (
                f"geplant für {datetime_long(article.date)}; der Beitrag folgt nach dem Erscheinen"
            )
        elif status == "hidden":
            reason = "versteckt (Status: hidden)"
        else:
            reason = "Entwurf (Status: draft)"
        self.result.excluded.append(
            Excluded(
                display_path(article.source_path, self.settings), typed_text(article.title), reason
            )
        )

    # -- outage notices -------------------------------------------------
    def _notice_key(self, notice):
        """Like `_article_key`, for everything `_notice_events` reads; each
        update's "is it in the future" stands for "now"."""
        try:
            meta = getattr(notice, "metadata", {}) or {}
            updates = sorted(_field(notice, "updates") or [], key=lambda u: _field(u, "index"))
            components = _field(notice, "components") or []
            parts = (
                "notice",
                content_relative(notice, self.settings),
                display_path(notice.source_path, self.settings),
                str(notice.title or ""),
                _meta_text(meta.get("social")),
                notice.url,
                stable(_field(notice, "kind")),
                stable([(_field(c, "name"), _field(c, "id")) for c in components]),
                tuple(_tags(notice)),
                stable([_field(notice, name) for name in _NOTICE_TIMES]),
                tuple(
                    (
                        stable(_field(u, "index")),
                        stable(_field(u, "time")),
                        self._after_now(to_berlin(_field(u, "time"))),
                        stable(_field(u, "anchor")),
                        stable(_field(u, "status_label")),
                        stable(_field(u, "status")),
                        stable(_field(u, "text")),
                        stable(_field(u, "next_update")),
                    )
                    for u in updates
                ),
            )
            return key_digest(parts)
        except Exception:  # noqa: BLE001 - composing will say what is wrong, uncached
            return None

    def notice(self, notice):
        self._cached(notice, self._notice_key(notice), self._notice_events)

    def _notice_events(self, notice):
        events = []
        source = content_relative(notice, self.settings)
        shown = display_path(notice.source_path, self.settings)
        title = typed_text(notice.title)
        meta = getattr(notice, "metadata", {}) or {}
        if _is_off(_meta_text(meta.get("social"))):
            events.append(("excluded", shown, title, "Social: off"))
            return tuple(events), None
        link = absolute(self.siteurl, notice.url)
        roots = {}
        for update in sorted(_field(notice, "updates") or [], key=lambda u: _field(u, "index")):
            index = _field(update, "index")
            time = to_berlin(_field(update, "time"))
            if self._after_now(time):
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
                    where = f"{shown} (Update {index})"
                    events.append(("problem", where, network.label, str(exc), title, exc.german))
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
                events.append(self._post_event(post))
        return tuple(events), None

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
    lines = [f"{label}: {typed_text(_field(notice, 'title'))}"]
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


def build_queue(context, settings, cache=None):
    """Posts for every published article and every outage update up to "now".

    With a `cache.ComposeCache`, documents whose inputs did not change are
    taken from it; a damaged entry discards the whole cache (with a warning)
    and everything is composed afresh."""
    try:
        return _build_queue(context, settings, cache)
    except CacheDamaged as exc:
        cache.discard(exc)
        cache.current = {}
        return _build_queue(context, settings, cache)


def _build_queue(context, settings, cache):
    builder = _Builder(context, settings, cache)
    for article in context.get("articles") or []:
        builder.article(article)
    for article in (context.get("drafts") or []) + (context.get("hidden_articles") or []):
        builder.unpublished(article)
    for notice in context.get("outage_notices") or []:
        builder.notice(notice)
    # (time, source, update, network): the posts' dates in order (ties by
    # source, update and network), without parsing 8,000 dates per build.
    builder.result.records.sort(key=attrgetter("sort_key"))
    return builder.result


def _header(result, settings):
    return {
        "version": QUEUE_VERSION,
        "generated": iso(site_now(settings)),
        "site_url": settings["SITEURL"].rstrip("/"),
        "networks": {
            n.name: {
                "label": n.label,
                "limit": n.limit,
                "max_bytes": n.max_bytes,
                "url_length": n.url_length,
            }
            for n in result.networks
        },
    }


def _dumps(value):
    return json.dumps(value, ensure_ascii=False, indent=1)


def post_json(post):
    """A post's JSON (UTF-8) as it stands in queue.json, inside the "posts"
    list two levels deep. JSON text has line breaks only between members
    (json escapes those inside strings), so indenting every line by two
    spaces gives exactly what json.dumps writes for the nested post."""
    return _dumps(post).replace("\n", "\n  ").encode("utf-8")


def queue_chunks(result, settings):
    """/social/queue.json as UTF-8 pieces: the header and every post, exactly
    what ``json.dumps(…, ensure_ascii=False, indent=1)`` plus a line break
    writes for the whole document, assembled from the posts' stored JSON
    (the posts are the document's last member)."""
    head = _dumps({**_header(result, settings), "posts": []})
    if not result.records:
        return [(head + "\n").encode("utf-8")]
    assert head.endswith('"posts": []\n}')
    chunks = [head[: -len("[]\n}")].encode("utf-8"), b"[\n  "]
    for record in result.records:
        chunks += (record.fragment, b",\n  ")
    chunks[-1] = b"\n ]\n}\n"
    return chunks
