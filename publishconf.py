"""Production settings: absolute SITEURL from the environment, output rebuilt.

Used by `invoke preview`, `invoke publish`, `invoke gh-pages` and CI.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "").rstrip("/")
if not SITEURL:
    raise SystemExit(
        "publishconf.py: SITEURL: not set; expected the public address, "
        "e.g. SITEURL=https://service.example.org invoke preview"
    )
if not SITEURL.startswith(("https://", "http://")):
    raise SystemExit(
        f"publishconf.py: SITEURL: '{SITEURL}' has no https://; expected the full public address, "
        "e.g. SITEURL=https://service.example.org"
    )
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
PRODUCTION = True
DELETE_OUTPUT_DIRECTORY = True
# Scheduled and draft articles are never published in production.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
