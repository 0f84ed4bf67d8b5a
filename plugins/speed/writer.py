"""A Pelican Writer that renders only what changed, in parallel.

- Every page and feed gets a fingerprint (fingerprint.py). When it equals the
  one recorded for the previous good build and that file is still the one we
  wrote (same inode, size and mtime), the previous file is reused: hard-linked
  from the previous output into the staging directory instead of rendered.
- Everything else is queued and rendered when all generators are done
  (`finalized`), split over the CPU cores by kit.child: forked children
  inherit the whole build in memory, render their share and exit; their log
  records are replayed here. Output does not depend on which process
  rendered a page.
- Files are never written through a link: a path is unlinked before writing,
  so the previous output (still being served) is never modified.

Other plugins see every page, as with Pelican's own writer: once the pages
are written, `content_written` is sent for each of them in the order they
were submitted, reused pages included, with the page's path and its template
context. A receiver may rewrite the file it is told about (minifiers,
precompressors do, in place): when a plugin from outside this project
receives the signal, reused pages are copied instead of linked, so no such
write can reach the previous output. For the same reason feeds are rendered,
never reused, while a plugin from outside receives `feed_generated` or
`feed_written`. The manifest records each file after the receivers ran.

Each page and feed claims its address in the build's output register
(kit.outputs); a second source for one address is an error naming both.
"""

import collections
import logging
import os
import shutil

from pelican.plugins import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from kit import child, memory, outputs, pelican_door

from . import receivers, store, warm
from .fingerprint import ALWAYS, Digester, TemplateAnalyzer, _h

logger = logging.getLogger(__name__)
MANIFEST = "manifest"
PARALLEL_MINIMUM = 48  # below this, forking costs more than it saves
FORGET_CONTENT_EVERY = 200  # pages

_active = None


def take_active_writer():
    """The writer of the build that is ending (once: the next build has its own)."""
    global _active
    writer, _active = _active, None
    return writer


def _valid_manifest(value):
    """{output path: [fingerprint, inode, size, mtime_ns]}"""
    return isinstance(value, dict) and all(
        isinstance(rel, str) and isinstance(entry, list) and len(entry) == 4 and isinstance(entry[0], str)
        and all(type(n) is int for n in entry[1:]) for rel, entry in value.items())


class IncrementalWriter(Writer):
    def __init__(self, output_path, settings=None):
        global _active
        super().__init__(output_path, settings=settings)
        _active = self
        self.previous_output = self.settings.get("FINAL_OUTPUT_PATH")
        self.global_fingerprint = self.settings.get("SPEED_GLOBAL_FINGERPRINT", ALWAYS)
        if warm.enabled(self.settings):
            self.previous = warm.load(store.path(self.settings, MANIFEST), self.global_fingerprint, lambda: store.load(
                self.settings, MANIFEST, self.global_fingerprint, valid=_valid_manifest) or {})
        else:
            self.previous = store.load(self.settings, MANIFEST, self.global_fingerprint,
                                       valid=_valid_manifest) or {}
        self.manifest = {}
        self.jobs = []
        self.written = []  # every page, in submission order: (path, shared context, own values)
        self.linked = 0
        self.templates = TemplateAnalyzer()
        self.digester = None
        self.claims = pelican_door.WrittenOnce()
        self.copy_reused = bool(receivers.foreign(signals.content_written))
        self.reuse_feeds = not (receivers.foreign(signals.feed_generated)
                                or receivers.foreign(signals.feed_written))
        self._snapshots = {}
        self._kept = []
        self._common = {}
        self._prefix = None
        self.folders = set()

    # ---- bookkeeping -------------------------------------------------

    def _claim(self, path, override, source):
        """Pelican's rule (written once unless one write overrides) and the build's
        output register (one source per address); True when this write goes ahead."""
        first = self.claims.first(path)
        if not self.claims.claim(path, override):
            return False
        if first:
            other = outputs.claim(path, source, self.output_path)
            if other is not None:
                logger.error("%s", outputs.collision_message(self._rel(path).replace(os.sep, "/"),
                                                             other, source))
                return False
        if override:
            self.jobs = [j for j in self.jobs if j[1] != path]
            self.written = [w for w in self.written if w[0] != path]
        return True

    def _digester(self, context):
        if self.digester is None:
            self.digester = Digester(context)
        return self.digester

    def _rel(self, path):
        """`path` relative to the output (called for every page: no os.path.relpath)."""
        if self._prefix is None:
            self._prefix = os.path.join(os.path.abspath(self.output_path), "")
        if path.startswith(self._prefix):
            return path[len(self._prefix):]
        return os.path.relpath(path, self.output_path)

    def _folder(self, path):
        """Make sure the folder of `path` exists (each folder asked about once)."""
        folder = os.path.dirname(path)
        if folder not in self.folders:
            if not os.path.isdir(folder):  # usually made ahead (folders.py)
                os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)

    def _reuse(self, path, fingerprint):
        """Link (or copy) the previous build's file if it is unchanged; True when done."""
        if fingerprint == ALWAYS or not self.previous_output:
            return False
        rel = self._rel(path)
        entry = self.previous.get(rel)
        if not entry or entry[0] != fingerprint:
            return False
        old = os.path.join(self.previous_output, rel)
        try:
            stat = os.stat(old)
        except OSError:
            return False
        if (stat.st_ino, stat.st_size, stat.st_mtime_ns) != tuple(entry[1:]):
            return False  # changed behind our back (e.g. outage-publish): render
        self._folder(path)
        if self.copy_reused:
            # A file of its own: a receiver of content_written may write into it.
            if os.path.lexists(path):
                os.unlink(path)
            shutil.copyfile(old, path)
        else:
            try:
                os.link(old, path)
            except FileExistsError:
                os.unlink(path)
                os.link(old, path)
        self.manifest[rel] = entry
        self.linked += 1
        return True

    # ---- pages -------------------------------------------------------

    def write_file(self, name, template, context, relative_urls=False, paginated=None,
                   template_name=None, override_output=False, url=None, **kwargs):
        for output_name, values in pelican_door.pages_to_write(
                self.settings, name, url, kwargs, paginated, template_name):
            self._submit_page(template, context, output_name, values, relative_urls, override_output)

    def _snapshot(self, context):
        """The shared part of the pages' context, one copy for every page submitted
        while the context did not change (a copy per page would cost ~10 KB each)."""
        signature = (len(context), tuple(map(id, context.values())))
        entry = self._snapshots.get(id(context))
        if entry is None or entry[0] != signature:
            entry = (signature, pelican_door.shared_context(context), context)
            self._snapshots[id(context)] = entry
            self._kept.append(entry)  # ids of live objects are unique: keep them alive
        return entry[1]

    def _submit_page(self, template, context, name, kwargs, relative_urls, override):
        shared = self._snapshot(context)
        page = pelican_door.page_values(name, kwargs, relative_urls)
        path = sanitised_join(self.output_path, name)
        # Named from the page's whole context, as a receiver of content_written names it.
        if not self._claim(path, override, outputs.describe(collections.ChainMap(page, shared))):
            return
        fingerprint = self._page_fingerprint(template, shared, page)
        self.written.append((path, shared, page))
        if not self._reuse(path, fingerprint):
            self.jobs.append(("page", path, fingerprint, (template, shared, page, context)))

    def _page_fingerprint(self, template, shared, page):
        names, template_hash = self.templates.analyse(template)
        if names is None:
            return ALWAYS
        digester = self._digester(shared)
        own = tuple(sorted(n for n in names if n in page))
        # The names that come from the shared context are hashed once for all
        # pages of a template rendered from the same context.
        key = (id(shared), id(template), own)
        common = self._common.get(key)
        if common is None:
            parts = []
            for name in sorted(names):
                if name in page:
                    continue
                value = digester.value(shared[name]) if name in shared else "<undefined>"
                if value == ALWAYS:
                    parts = None
                    break
                parts.append(f"{name}={value}")
            common = ALWAYS if parts is None else _h(self.global_fingerprint, template_hash, *parts)
            self._common[key] = common
        if common == ALWAYS:
            return ALWAYS
        parts = []
        for name in own:
            value = digester.value(page[name])
            if value == ALWAYS:
                return ALWAYS
            parts.append(f"{name}={value}")
        return _h(common, page["output_file"], *parts)

    # ---- feeds -------------------------------------------------------

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom",
                   override_output=False, feed_title=None):
        if not path:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        complete = sanitised_join(self.output_path, path)
        source = f"the {feed_type} feed '{feed_title or context.get('SITENAME', '')}'"
        if not self._claim(complete, override_output, source):
            return None
        digester = self._digester(context)
        shown = list(elements[: self.settings["FEED_MAX_ITEMS"]])
        keys = ("SITEURL", "FEED_DOMAIN", "SITENAME", "SITESUBTITLE")
        fingerprint = _h(self.global_fingerprint, "feed", path, url, feed_type, feed_title,
                         digester.value(shown), *(repr(context.get(k)) for k in keys))
        if ALWAYS in fingerprint or digester.value(shown) == ALWAYS:
            fingerprint = ALWAYS
        if not (self.reuse_feeds and self._reuse(complete, fingerprint)):
            self.jobs.append(("feed", complete, fingerprint,
                              (shown, context, path, url, feed_type, feed_title)))
        return None

    # ---- rendering ---------------------------------------------------

    def _run(self, job):
        kind, path, _, args = job
        if os.path.lexists(path):
            os.unlink(path)  # never write through a hard link to the old output
        if kind == "page":
            template, shared, page, context = args
            local = dict(shared)
            local.update(page)
            html = pelican_door.render_page(template, local, context)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(html)
        else:
            # Pelican's own feed writer (feed_generated and feed_written are sent);
            # each feed path is queued once per build, so it is written once.
            shown, context, rel, url, feed_type, feed_title = args
            Writer.write_feed(self, shown, context, rel, url, feed_type, False, feed_title)

    def _render(self, share):
        for number, job in enumerate(share, 1):
            self._run(job)
            if number % FORGET_CONTENT_EVERY == 0:
                # A document's HTML with its links replaced is memoised for good; a
                # document's summary (memoised on its own) and its page need it once
                # or twice, so keeping it for every document costs ~30 MB at 4,000
                # documents, in this process and each rendering child.
                pelican_door.forget_memoised_content(only=("get_content",))
                memory.release_freed_memory()

    def flush(self):
        """Render every queued job (in parallel when it pays), tell the receivers of
        content_written about every page, record the manifest."""
        jobs, self.jobs = self.jobs, []
        here = []
        if not self.reuse_feeds:
            # Receivers of the feed signals from outside this project may keep what
            # they are told (in memory): the feeds are written in this process.
            here = [job for job in jobs if job[0] == "feed"]
        parallel = [job for job in jobs if job[0] != "feed"] if here else jobs
        child.split(self._render, parallel, workers=child.workers(self.settings.get("SPEED_WORKERS")),
                    minimum=PARALLEL_MINIMUM, what="speed: rendering pages")
        self._render(here)
        if signals.content_written.receivers:
            for path, shared, page in self.written:
                local = dict(shared)
                local.update(page)
                signals.content_written.send(path, context=local)
        # Recorded after the receivers ran: a file one of them rewrote is what the
        # next build finds in output/, and reuses.
        changed = [rel for rel, entry in self.manifest.items() if self.copy_reused]
        for _kind, path, fingerprint, _args in jobs:
            rel = self._rel(path)
            self.manifest[rel] = [fingerprint]
            changed.append(rel)
        for rel in changed:
            stat = os.stat(os.path.join(self.output_path, rel))
            self.manifest[rel] = [self.manifest[rel][0], stat.st_ino, stat.st_size, stat.st_mtime_ns]
        store.save(self.settings, MANIFEST, self.global_fingerprint, self.manifest)
        if warm.enabled(self.settings):
            warm.saved(store.path(self.settings, MANIFEST), self.global_fingerprint, self.manifest)
        return len(jobs)
