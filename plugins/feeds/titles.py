"""Pelican's Atom and RSS feeds with titles as the site shows them.

Pelican reads titles as HTML when it writes a feed: it strips anything that
looks like a tag and decodes entities. On this site titles, categories and
tags are plain text (the theme escapes them), so a title such as
`Tarife <für> Familien` or `Strom &amp; Gas` must reach a feed reader exactly
as the editor typed it, like on the page. Pelican offers the finished feed
object through the `feed_generated` signal; this puts the typed texts back.

The feed of a category or topic is titled like its page ("Kategorie: Technik –
Nordlicht Netz – Service-Blog"), with the en dash the whole site uses, not
Pelican's "Nordlicht Netz – Service-Blog - Technik".
"""

# What the page of each kind of term is titled (theme: category.html, tag.html, author.html).
TERM_TITLES = {"categories": "Kategorie: {name}", "tags": "Thema: {name}", "authors": "Beiträge von {name}"}


def _url_lookup(link, by_url):
    """The value for the site URL that `link` ends with (links are absolute)."""
    path = link.split("?", 1)[0].split("#", 1)[0]
    if path in by_url:
        return by_url[path]
    for index, char in enumerate(path):
        if char == "/" and path[index + 1:] in by_url:
            return by_url[path[index + 1:]]
    return None


def _term_feeds(context):
    """{feed path: title} for the feeds of one category, tag or author."""
    names = {}
    for key, setting_names in (("categories", ("CATEGORY_FEED_ATOM", "CATEGORY_FEED_RSS")),
                               ("tags", ("TAG_FEED_ATOM", "TAG_FEED_RSS")),
                               ("authors", ("AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS"))):
        for term, _ in context.get(key) or []:
            for setting in setting_names:
                pattern = context.get(setting)
                if pattern:
                    names[str(pattern).format(slug=term.slug)] = TERM_TITLES[key].format(name=term.name)
    return names


def literal_titles(context, feed):
    """feed_generated handler: every item title, and the title of a category,
    tag or author feed, as plain text."""
    titles = {}
    for article in context.get("articles") or []:
        titles[article.url] = str(article.title)
        for translation in getattr(article, "translations", None) or []:
            titles[translation.url] = str(translation.title)
    for item in feed.items:
        title = _url_lookup(item.get("link") or "", titles)
        if title is not None:
            item["title"] = title
    name = _url_lookup(feed.feed.get("feed_url") or "", _term_feeds(context))
    if name is not None:
        feed.feed["title"] = f"{name} – {context['SITENAME']}"
