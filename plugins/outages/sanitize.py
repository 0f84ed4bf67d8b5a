"""Everything in a notice is text for customers under stress: its HTML is
reduced to what Markdown writes for running text.

Update texts travel further than any other text of the site: into the banner
on every page, the feeds, CAP, the Statuspage API and social posts, often
typed in a hurry through `invoke outage-update`. nh3 (the Python binding of
the Ammonia sanitizer) keeps paragraphs, emphasis, code, lists, the small
headings an update may use (###) and links to web, mail and phone addresses;
any other HTML is dropped with its tags (its text stays), scripts and styles
with their content, comments entirely.
"""

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr",
    "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "ul",
})
ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def text_html(html):
    """The allowed part of a rendered Markdown text (a str of HTML)."""
    return nh3.clean(html or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=None, strip_comments=True)
