"""Pelican integration: compose and check every post during the build, write
/social/queue.json, the social feeds and (outside production) the preview.

The build never touches the network; posting is `invoke social-post`, after
deploy. The work starts when Pelican asks for its writer: only then have all
other generators (articles, the outages plugin's notices) built their
context and every plugin finished it, whatever order the plugins are listed
in (see SocialGenerator).
"""

import datetime as dt
import gc
import logging
import os
import weakref
from types import SimpleNamespace

from pelican.generators import Generator

from german.dates import to_berlin
from kit import child, outputs
from kit.problems import report

from .cache import ComposeCache
from .compose import display_segments, networks_from_settings
from .feeds import SOURCE, feed_paths, write_feeds
from .queue import build_queue, queue_chunks

logger = logging.getLogger(__name__)


def report_problems(result):
    """One warning per post that cannot be made: fatal in `invoke check` and
    `invoke preview` (strict), shown by a normal build; the post is left out."""
    for problem in result.problems:
        report(logger, problem.source, f"Social ({problem.network})", problem.message, level=logging.WARNING)


def limit_validity(settings, until):
    """Tell the build runner (plugins/build/uptodate.py) that the queue
    changes at `until`, when a scheduled article or an update falls due."""
    if until is None:
        return
    current = settings.get("BUILD_VALID_UNTIL")
    if current is None or until < to_berlin(current):
        settings["BUILD_VALID_UNTIL"] = until


def write_chunks(path, chunks):
    """Write pieces without joining them first (the queue of a big site has
    ~11 MB; one buffer for all of it costs more than writing it)."""
    with outputs.replacing(path, SOURCE) as handle:
        handle.writelines(chunks)


def preview_context(result, limit=None):
    """What the preview template shows: each post as it will look (the newest
    `limit` per network), its length against the limit, and all problems and
    exclusions next to them."""
    shown = set()
    for network in result.networks:
        shown.update(map(id, result.network_records(network.name, limit)))
    posts = []
    for record in result.records:  # queue order
        if id(record) not in shown:
            continue
        post = record.post
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
    """Writes the queue, the feeds and the preview page.

    The posts are made from the other generators' context, so the work can
    start only once every context is final: when Pelican asks for its writer
    (`get_writer`, after all_generators_finalized and the intersite links).
    From there it runs in a forked child where the fork policy allows
    (kit.child), while Pelican hands its pages to the writer;
    generate_output takes the result and submits the preview page.
    """

    def __init__(self, *args, **kwargs):
        global _building
        super().__init__(*args, **kwargs)
        _collect_unjoined()  # of a build that failed before its generate_output
        self.job = None
        _building = weakref.ref(self)  # not kept alive: a failed build's context is garbage

    def generate_context(self):
        """Nothing to read: the posts are made from the other generators' context."""

    def start(self):
        """Start making the posts (every context is final); claims the addresses now:
        the claims of a forked child end with it."""
        if self.job is not None:
            return
        settings = self.settings
        outputs.reserve(os.path.join(self.output_path, settings["SOCIAL_QUEUE_SAVE_AS"]), SOURCE)
        for network in networks_from_settings(settings):
            for rel in feed_paths(settings, network.name):
                outputs.reserve(os.path.join(self.output_path, rel), SOURCE)
        self.job = child.start(self._make, "social: composing the posts")
        _unjoined.append(self.job)

    def generate_output(self, writer):
        self.start()  # at once, when no `get_writer` came (a build that calls generators itself)
        job, self.job = self.job, None
        _unjoined.remove(job)
        made = job.join()
        limit_validity(self.settings, made["valid_until"])
        if made["preview"] is not None:
            self._write_preview(writer, made["preview"])

    def _make(self):
        """Compose every post, write the queue and the feeds, keep the cache:
        what the preview page needs comes back, the rest stays in the child.

        A child also keeps the memory off the build process: the compose cache
        of a 4,000-article site decodes to about 30 MB, and a long-running
        live-reload server would keep that peak (CPython seldom gives freed
        memory back to the system). Its warnings are logged again here.

        With the garbage collector paused: by then Pelican's heap holds ~half a
        million objects, and the full collection that the next few thousand
        allocations would trigger (~0.3 s at 4,000 articles) belongs to the whole
        build, not to this step. Nothing here relies on collecting cycles.
        """
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._compose_and_write()
        finally:
            if enabled:
                gc.enable()

    def _compose_and_write(self):
        settings = self.settings
        cache = ComposeCache(settings)
        result = build_queue(self.context, settings, cache)
        # Every build, cached or not: a strict build must fail on them every time.
        report_problems(result)
        write_chunks(os.path.join(self.output_path, settings["SOCIAL_QUEUE_SAVE_AS"]),
                     queue_chunks(result, settings))
        write_feeds(result, settings, self.output_path, cache)
        cache.save()
        preview = None
        if settings["SOCIAL_PREVIEW"]:
            preview = preview_context(result, int(settings["SOCIAL_PREVIEW_MAX_POSTS"] or 0))
            preview["social_total"] = {n.name: len(result.network_records(n.name)) for n in result.networks}
        return {"valid_until": result.valid_until, "preview": preview}

    def _write_preview(self, writer, preview):
        feeds = {n.name: feed_paths(self.settings, n.name) for n in preview["social_networks"]}
        writer.write_file(
            self.settings["SOCIAL_PREVIEW_SAVE_AS"],
            self.get_template("social_preview"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=self.settings["SOCIAL_PREVIEW_URL"],
            social_queue_url=self.settings["SOCIAL_QUEUE_SAVE_AS"],
            social_feeds=feeds,
            **preview,
        )


_building = None  # weak reference to the SocialGenerator of the build being made
_unjoined = []  # kit.child jobs started and not yet joined (a failed build leaves one)


def _collect_unjoined():
    """Wait for work whose build ended early (its child is reaped); the result no longer matters."""
    while _unjoined:
        try:
            _unjoined.pop().join()
        except Exception as exc:  # noqa: BLE001 - that build has already failed
            logger.debug("social: the work of an earlier build failed: %s", exc)


def on_get_writer(pelican):
    """Every context is final when Pelican asks for its writer: start the posts."""
    generator = _building() if _building is not None else None
    if generator is not None and generator.settings is pelican.settings:
        generator.start()


def get_generators(pelican):
    """`get_generators` handler."""
    return SocialGenerator
