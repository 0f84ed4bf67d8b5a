"""sitemap.xml from the pages actually written, robots.txt pointing at it.

Walking the output tree (instead of listing articles) covers every page any
plugin writes (FAQ, status, topic pages). Pages that ask not to be indexed
(`<meta name="robots" content="noindex">`, e.g. previews) and drafts are left
out. lastmod comes from the documents' Modified/Date where a page is one.
"""

import os
import re
from xml.sax.saxutils import escape

from german.dates import to_berlin
from kit import datacache, outputs

NOINDEX = re.compile(rb"""<meta\s+name=["']robots["']\s+content=["'][^"']*noindex""", re.I)
HEAD_BYTES = 4096
SOURCE = "the seo plugin"


def _page_url(rel_path):
    rel_path = rel_path.replace(os.sep, "/")
    if rel_path == "index.html":
        return ""
    if rel_path.endswith("/index.html"):
        return rel_path[: -len("index.html")]
    return rel_path


def _lastmod_by_url(context):
    dates = {}
    for content in context.get("generated_content", {}).values():
        url = getattr(content, "url", None)
        date = getattr(content, "modified", None) or getattr(content, "date", None)
        if url is not None and date is not None:
            dates[url] = to_berlin(date).date().isoformat()
    return dates


CACHE_VERSION = 1


def _cache(path):
    return datacache.CacheFile(path, "seo-pages", CACHE_VERSION)


def _valid_seen(value):
    """{page: [inode, size, mtime_ns, noindex]}"""
    return isinstance(value, dict) and all(
        isinstance(rel, str) and isinstance(known, list) and len(known) == 4
        and all(type(n) is int for n in known[:3]) and type(known[3]) is bool
        for rel, known in value.items())


def _html_files(folder, rel):
    """(path relative to the output, os.DirEntry) of every .html page but 404.html,
    in os.walk's order (files of a folder by name, then its subfolders by name)."""
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    folders = []
    for entry in entries:
        if entry.is_dir():
            if not entry.is_symlink():
                folders.append(entry)
        elif entry.name.endswith(".html") and entry.name != "404.html":
            yield rel + entry.name, entry
    for entry in folders:
        yield from _html_files(entry.path, rel + entry.name + os.sep)


def _indexable_pages(output_path, cache_file):
    """Pages without noindex. Whether a page says noindex is remembered by its
    inode, size and mtime: an unchanged page (hard-linked from the previous
    build) is not read again."""
    seen = (_cache(cache_file).load(valid=_valid_seen) if cache_file else None) or {}
    now_seen = {}
    for rel, entry in _html_files(output_path, ""):
        stat = entry.stat()
        stamp = [stat.st_ino, stat.st_size, stat.st_mtime_ns]
        known = seen.get(rel)
        if known and known[:3] == stamp:
            noindex = known[3]
        else:
            with open(entry.path, "rb") as handle:
                noindex = bool(NOINDEX.search(handle.read(HEAD_BYTES)))
        now_seen[rel] = stamp + [noindex]
        if not noindex:
            yield rel
    if cache_file:
        _cache(cache_file).save(now_seen)


_last_context = {}


def remember_context(generators):
    """all_generators_finalized: `finalized` gets no context, so keep it here."""
    global _last_context
    _last_context = generators[0].context if generators else {}


def write_robots_and_sitemap(pelican):
    settings = pelican.settings
    output = pelican.output_path
    base = (settings["FEED_DOMAIN"] or settings["SITEURL"]).rstrip("/")
    global _last_context
    # Let go of it now: a process that builds again (live reload) would otherwise
    # keep this whole build alive through the next one.
    context, _last_context = _last_context, {}
    lastmod = _lastmod_by_url(context)
    entries = []
    cache = os.path.join(settings["CACHE_PATH"], "seo", "pages.cbor") if settings["CACHE_PATH"] else None
    for rel in _indexable_pages(output, cache):
        url = _page_url(rel)
        line = f"  <url><loc>{escape(base + '/' + url)}</loc>"
        if url in lastmod:
            line += f"<lastmod>{lastmod[url]}</lastmod>"
        entries.append(line + "</url>")
    outputs.write_text(os.path.join(output, "sitemap.xml"),
                       '<?xml version="1.0" encoding="UTF-8"?>\n'
                       '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                       + "\n".join(entries) + "\n</urlset>\n", SOURCE)
    lines = ["User-agent: *"]
    lines.append("Allow: /" if settings.get("PRODUCTION") else "Disallow: /")
    lines.append(f"Sitemap: {base}/sitemap.xml")
    outputs.write_text(os.path.join(output, "robots.txt"), "\n".join(lines) + "\n", SOURCE)
