"""Defaults of the social plugin. pelicanconf.py/publishconf.py set only what
this site wants different; the `invoke social-post` command reads the same
settings file and gets the same defaults through `with_defaults`."""

# Metadata keys an article may carry (the editorial plugin rejects unknown ones).
METADATA_KEYS = {"social", "social-mastodon", "social-bluesky"}

DEFAULTS = {
    # Composition (build time)
    "SOCIAL_NETWORKS": ["mastodon", "bluesky"],
    "SOCIAL_MASTODON_LIMIT": 500,  # the instance's max_characters; 500 is Mastodon's default
    "SOCIAL_MASTODON_URL_LENGTH": 23,  # characters_reserved_per_url
    "SOCIAL_BLUESKY_LIMIT": 300,  # graphemes (app.bsky.feed.post lexicon)
    "SOCIAL_BLUESKY_BYTES": 3000,  # UTF-8 bytes (same lexicon)
    "SOCIAL_HASHTAGS_MAX": 3,
    "SOCIAL_SENTENCES": 2,  # leading sentences taken from the article text
    "SOCIAL_CARD_DESCRIPTION_LENGTH": 200,
    # Composed posts are kept per document in CACHE_PATH/social/ (see cache.py)
    "SOCIAL_CACHE": True,
    # Output (build time)
    "SOCIAL_QUEUE_SAVE_AS": "social/queue.json",
    "SOCIAL_ATOM_SAVE_AS": "social/{network}.atom.xml",
    "SOCIAL_JSON_SAVE_AS": "social/{network}.json",
    "SOCIAL_PREVIEW_URL": "social/vorschau/",
    "SOCIAL_PREVIEW_SAVE_AS": "social/vorschau/index.html",
    "SOCIAL_FEED_MAX_ITEMS": 50,  # newest posts per network in the social feeds
    "SOCIAL_PREVIEW_MAX_POSTS": 50,  # newest posts per network on the preview page
    # Posting (invoke social-post, never the build)
    "SOCIAL_LEDGER_PATH": "social-ledger.json",
    "SOCIAL_TIMEOUT": 20.0,  # seconds per HTTP request
    "SOCIAL_RETRIES": 5,  # attempts per post, including the first
    "SOCIAL_BACKOFF": 2.0,  # first wait in seconds; doubles per attempt
    "SOCIAL_BACKOFF_MAX": 60.0,
    "SOCIAL_MAX_WAIT": 300.0,  # a longer Retry-After defers the network to the next run
    "SOCIAL_MAX_AGE_DAYS": 14,  # never-posted items older than this are not posted
    "SOCIAL_RECONCILE_LIMIT": 100,  # own newest posts searched for a post's link
    # A post that may be out already (an unanswered attempt, no ledger) is looked
    # for in every own post back to when it could have been sent, at most this many.
    "SOCIAL_RECONCILE_MAX": 5000,
    "SOCIAL_LIVE_CHECK": True,  # wait until the page answers 200 with its og:title
    "SOCIAL_MASTODON_VISIBILITY": "public",
    "SOCIAL_BLUESKY_DEFAULT_URL": "https://bsky.social",
    "SOCIAL_BLUESKY_WEB_URL": "https://bsky.app",
}


def with_defaults(settings):
    """The settings with every SOCIAL_* default filled in (a copy)."""
    merged = dict(settings)
    for key, value in DEFAULTS.items():
        merged.setdefault(key, list(value) if isinstance(value, list) else value)
    # The preview is for editors; production (publishconf sets PRODUCTION or
    # SOCIAL_PREVIEW = False) must not publish it.
    merged.setdefault("SOCIAL_PREVIEW", not merged.get("PRODUCTION"))
    return merged


def apply_defaults(pelican):
    """`initialized` handler."""
    settings = pelican.settings
    for key, value in with_defaults(settings).items():
        if key.startswith("SOCIAL_"):
            settings.setdefault(key, value)
    # Accepted on every content type (articles, FAQ entries, notices).
    settings.setdefault("SHARED_METADATA_KEYS", set()).update(METADATA_KEYS)
