"""The benchmark corpus as a Hugo site, so Hugo builds and serves the same texts.

Pelican's `Key: value` metadata becomes YAML front matter (title, date,
summary; categories, tags and authors as Hugo taxonomies), Pelican's
`{filename}` links become Hugo's `relref`, and the templates are a minimal
theme of our own (bench/hugo_layouts: home and list pages with pagination,
single pages with related posts and neighbours, taxonomy pages, RSS feeds),
so each page costs Hugo about the work a Pelican theme's page costs.
Nothing is downloaded.
"""

import os
import re
import shutil

import yaml

from german.dates import parse_datetime

LAYOUTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hugo_layouts")
CONFIG = """baseURL = "http://127.0.0.1/"
languageCode = "de"
defaultContentLanguage = "de"
title = "Benchmark"
timeZone = "Europe/Berlin"
paginate = 10
paginatePath = "seite"
enableRobotsTXT = false

[taxonomies]
  tag = "tags"
  category = "categories"
  author = "authors"

[services.rss]
  limit = 20

[related]
  includeNewer = true
  threshold = 20
  toLower = true
  [[related.indices]]
    name = "tags"
    weight = 100
  [[related.indices]]
    name = "categories"
    weight = 40
  [[related.indices]]
    name = "date"
    weight = 10
"""
LISTS = {"tags": "tags", "category": "categories", "authors": "authors", "author": "authors"}
LINK = re.compile(r"\{(?:filename|static|attach)\}/?([^)\s\"']+)")
FIRST_UPDATE = re.compile(r"^## (\d{4}-\d\d-\d\d \d\d:\d\d)", re.MULTILINE)


def _iso(text):
    return parse_datetime(text).isoformat()


def front_matter(head, body, folder):
    """YAML front matter from Pelican metadata lines (`Key: value`)."""
    data = {}
    for line in head.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key in ("title", "question"):
            data["title"] = value
        elif key == "date":
            data["date"] = _iso(value)
        elif key == "modified":
            data["lastmod"] = _iso(value)
        elif key in LISTS:
            data[LISTS[key]] = [item.strip() for item in value.split(",") if item.strip()]
        else:
            data[key] = value
    if "date" not in data:  # notices and FAQ entries: when they were first written
        first = FIRST_UPDATE.search(body)
        when = data.get("start") or (first.group(1) if first else None) or data.get("lastmod")
        if when:
            data["date"] = when if "T" in when else _iso(when)
    if folder == "seiten":
        data.pop("slug", None)  # pages sit at the top level under their file name
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False) + "---\n"


def _body(text):
    def link(match):
        target = match.group(1)
        if target.endswith(".md"):
            return '{{< relref "/' + target + '" >}}'
        return "/" + target

    return LINK.sub(link, text)


def convert(content, site):
    """Write a Hugo site for the Pelican corpus at `content` into `site`; returns `site`."""
    shutil.rmtree(site, ignore_errors=True)
    os.makedirs(site)
    with open(os.path.join(site, "hugo.toml"), "w", encoding="utf-8") as handle:
        handle.write(CONFIG)
    shutil.copytree(LAYOUTS, os.path.join(site, "layouts"))
    if os.path.isdir(os.path.join(content, "bilder")):
        shutil.copytree(os.path.join(content, "bilder"), os.path.join(site, "static", "bilder"))
    for folder, target in (("artikel", "artikel"), ("faq", "faq"), ("stoerungen", "stoerungen"), ("seiten", "")):
        source = os.path.join(content, folder)
        if not os.path.isdir(source):
            continue
        os.makedirs(os.path.join(site, "content", target), exist_ok=True)
        for name in sorted(os.listdir(source)):
            if not name.endswith(".md"):
                continue
            with open(os.path.join(source, name), encoding="utf-8") as handle:
                head, _, body = handle.read().partition("\n\n")
            with open(os.path.join(site, "content", target, name), "w", encoding="utf-8") as handle:
                handle.write(front_matter(head, body, folder) + "\n" + _body(body))
    return site


def set_title(path, title):
    """Change the title in a converted file's front matter, as an editor would."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    line = yaml.safe_dump({"title": title}, allow_unicode=True).strip()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(re.sub(r"^title: .*$", lambda _: line, text, count=1, flags=re.MULTILINE))

