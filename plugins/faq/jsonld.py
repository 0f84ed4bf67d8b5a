"""schema.org FAQPage for /faq/: every published question with its accepted answer.

Built in Python (not in Jinja) so that a test can check the structure directly
and the template only serializes it with `tojson` (which escapes "</script>").
"""

from .text import html_to_text


def absolute(settings, url):
    base = (settings["FEED_DOMAIN"] or settings["SITEURL"]).rstrip("/")
    return f"{base}/{url}"


def faq_page(entries, settings):
    """The FAQPage object; answers as plain text (Google and others read text, not markup)."""
    siteurl = settings["FEED_DOMAIN"] or settings["SITEURL"]
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": "de-DE",
        "url": absolute(settings, settings["FAQ_INDEX_URL"]),
        "name": f"Häufige Fragen – {settings['SITENAME']}".strip(" –"),
        "mainEntity": [
            {
                "@type": "Question",
                "name": entry.title,
                "url": absolute(settings, entry.url),
                "dateModified": entry.date.isoformat(timespec="seconds"),
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": html_to_text(entry.get_content(siteurl)),
                    "url": absolute(settings, entry.url),
                },
            }
            for entry in entries
        ],
    }
