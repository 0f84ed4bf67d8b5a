"""Summaries are short Markdown texts: their HTML is reduced to what Markdown
writes for running text.

A summary lands on list pages, in meta descriptions, feeds and social cards,
so it must never carry an element or attribute an editor did not mean as
text formatting. nh3 (the Python binding of the Ammonia sanitizer) keeps
paragraphs, emphasis, code, lists and links to web, mail and phone
addresses; any other HTML typed into a summary is dropped with its tags
(its text stays), scripts and styles with their content, comments entirely.
Relative links (`{filename}/…`, `/faq/`) stay for Pelican to resolve.
"""

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "i", "li", "ol", "p",
    "pre", "s", "strong", "sub", "sup", "ul",
})
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def text_html(html):
    """The allowed part of a rendered Markdown text (a str of HTML)."""
    return nh3.clean(html or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=None, strip_comments=True)
