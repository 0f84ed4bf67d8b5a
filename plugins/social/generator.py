"""Pelican integration: compose and check every post during the build, write
/social/queue.json, the social feeds and (outside production) the preview.

The build never touches the network; posting is `invoke social-post`, after
deploy. The work happens in generate_output because only then have all other
generators (articles, the outages plugin's notices) built their context,
whatever order the plugins are listed in.
"""

import datetime as dt
import json
import logging
import os
from types import SimpleNamespace

from pelican.generators import Generator

from .compose import display_segments
from .feeds import feed_paths, write_feeds
from .queue import build_queue, queue_document

logger = logging.getLogger(__name__)


def report_problems(result):
    """One warning per post that cannot be made: fatal in `invoke check` and
    `invoke preview` (strict), shown by a normal build; the post is left out."""
    for problem in result.problems:
        logger.warning("%s: %s: %s", problem.source, f"Social ({problem.network})", problem.message)


def write_json(path, document):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def preview_context(result, limit=None):
    """What the preview template shows: each post as it will look (the newest
    `limit` per network), its length against the limit, and all problems and
    exclusions next to them."""
    shown = []
    for network in result.networks:
        mine = [p for p in result.posts if p["network"] == network.name]
        shown += mine[-limit:] if limit else mine
    posts = []
    for post in sorted(shown, key=result.posts.index):
        network = next(n for n in result.networks if n.name == post["network"])
        # Namespaces, not dicts: in Jinja `post.update` would be dict.update.
        posts.append(
            SimpleNamespace(
                **{k: v for k, v in post.items() if k != "card"},
                card=SimpleNamespace(**post["card"]) if post["card"] else None,
                network_label=network.label,
                segments=display_segments(post["text"], post["facets"] if network.facets else None),
                max_bytes=network.max_bytes,
                when=dt.datetime.fromisoformat(post["date"]),
            )
        )
    return {
        "social_posts": posts,
        "social_problems": result.problems,
        "social_excluded": result.excluded,
        "social_networks": result.networks,
    }


class SocialGenerator(Generator):
    """Writes the queue, the feeds and the preview page."""

    def generate_context(self):
        """Nothing to read: the posts are made from the other generators' context."""

    def generate_output(self, writer):
        result = build_queue(self.context, self.settings)
        report_problems(result)
        write_json(
            os.path.join(self.output_path, self.settings["SOCIAL_QUEUE_SAVE_AS"]),
            queue_document(result, self.settings),
        )
        write_feeds(result, self.settings, self.output_path)
        if self.settings.get("SOCIAL_PREVIEW"):
            self._write_preview(writer, result)

    def _write_preview(self, writer, result):
        feeds = {n.name: feed_paths(self.settings, n.name) for n in result.networks}
        writer.write_file(
            self.settings["SOCIAL_PREVIEW_SAVE_AS"],
            self.get_template("social_preview"),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            url=self.settings["SOCIAL_PREVIEW_URL"],
            social_queue_url=self.settings["SOCIAL_QUEUE_SAVE_AS"],
            social_feeds=feeds,
            social_total={
                n.name: sum(p["network"] == n.name for p in result.posts) for n in result.networks
            },
            **preview_context(result, int(self.settings.get("SOCIAL_PREVIEW_MAX_POSTS") or 0)),
        )


def get_generators(pelican):
    """`get_generators` handler."""
    return SocialGenerator
