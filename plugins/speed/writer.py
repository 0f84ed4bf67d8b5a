"""A Pelican Writer that renders only what changed, in parallel.

- Every page and feed gets a fingerprint (fingerprint.py). When it equals the
  one recorded for the previous good build and that file is still the one we
  wrote (same inode, size and mtime), the file is hard-linked from the
  previous output into the staging directory instead of being rendered.
- Everything else is queued and rendered when all generators are done
  (`finalized`), split over the CPU cores with fork(): the children inherit
  the whole build in memory, render their share, forward their log records
  and exit. Output does not depend on which process rendered a page.
- Files are never written through a link: a path is unlinked before writing,
  so the previous output (still being served) is never modified.
"""

import logging
import os
import pickle
import traceback

from pelican.paginator import Paginator
from pelican.plugins import signals
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import FileOverwriteFailedError, Writer

from . import store
from .childlog import ForwardRecords
from .fingerprint import ALWAYS, Digester, TemplateAnalyzer, _h

logger = logging.getLogger(__name__)
MANIFEST = "manifest"
PARALLEL_MINIMUM = 48  # below this, forking costs more than it saves

_active = None


def active_writer():
    return _active


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
        self.previous = store.load(self.settings, MANIFEST, self.global_fingerprint,
                                   valid=_valid_manifest) or {}
        self.manifest = {}
        self.jobs = []
        self.linked = 0
        self.templates = TemplateAnalyzer()
        self.digester = None
        self._claimed = set()
        self._claimed_override = set()
        self._snapshots = {}
        self._kept = []
        self._common = {}
        self._prefix = None
        self.folders = set()

    # ---- bookkeeping -------------------------------------------------

    def _claim(self, path, override):
        """Pelican's rule: a path is written once, unless one write overrides."""
        if path in self._claimed_override:
            if override:
                raise FileOverwriteFailedError(f'Failed to overwrite "{path}" a second time')
            return False
        if path in self._claimed and not override:
            raise FileOverwriteFailedError(
                f'Failed to overwrite "{path}" as Pelican has already written to it previously')
        if override:
            self._claimed_override.add(path)
            self.jobs = [j for j in self.jobs if j[1] != path]
        self._claimed.add(path)
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
        """Link the previous build's file if it is unchanged; True when done."""
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
        if not name:
            return
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
        if paginated and template_name in self.settings["PAGINATED_TEMPLATES"]:
            per_page = (self.settings["PAGINATED_TEMPLATES"][template_name]
                        or self.settings["DEFAULT_PAGINATION"])
            paginators = {k: Paginator(name, url, v, self.settings, per_page) for k, v in paginated.items()}
            for number in range(1, next(iter(paginators.values())).num_pages + 1):
                page_kwargs = dict(kwargs)
                for key, paginator in paginators.items():
                    page = paginator.page(number)
                    page_kwargs[f"{key}_paginator"] = paginator
                    page_kwargs[f"{key}_page"] = page
                    page_kwargs[f"{key}_previous_page"] = paginator.page(number - 1) if number > 1 else None
                    page_kwargs[f"{key}_next_page"] = (
                        paginator.page(number + 1) if number < paginator.num_pages else None)
                self._submit_page(template, context, page.save_as, page_kwargs, relative_urls, override_output)
        else:
            self._submit_page(template, context, name, kwargs, relative_urls, override_output)

    def _snapshot(self, context):
        """A shallow copy of the shared context, shared by every page submitted
        while the context did not change (a copy per page would cost ~10 KB each)."""
        signature = (len(context), tuple(map(id, context.values())))
        entry = self._snapshots.get(id(context))
        if entry is None or entry[0] != signature:
            copy = context.copy()
            copy["localsiteurl"] = copy.get("localsiteurl", None)
            entry = (signature, copy, context)
            self._snapshots[id(context)] = entry
            self._kept.append(entry)  # ids of live objects are unique: keep them alive
        return entry[1]

    def _submit_page(self, template, context, name, kwargs, relative_urls, override):
        shared = self._snapshot(context)
        page = {}
        if relative_urls:
            relative = path_to_url(get_relative_path(name))
            page["SITEURL"] = relative
            page["localsiteurl"] = relative
        page["output_file"] = name
        page.update(kwargs)
        path = sanitised_join(self.output_path, name)
        if not self._claim(path, override):
            return
        fingerprint = self._page_fingerprint(template, shared, page)
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
        if not self._claim(complete, override_output):
            return None
        digester = self._digester(context)
        shown = list(elements[: self.settings["FEED_MAX_ITEMS"]])
        keys = ("SITEURL", "FEED_DOMAIN", "SITENAME", "SITESUBTITLE")
        fingerprint = _h(self.global_fingerprint, "feed", path, url, feed_type, feed_title,
                         digester.value(shown), *(repr(context.get(k)) for k in keys))
        if ALWAYS in fingerprint or digester.value(shown) == ALWAYS:
            fingerprint = ALWAYS
        if not self._reuse(complete, fingerprint):
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
            if local["localsiteurl"]:
                context["localsiteurl"] = local["localsiteurl"]
            html = template.render(local)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(html)
        else:
            shown, context, rel, url, feed_type, feed_title = args
            self._written_files.discard(path)
            Writer.write_feed(self, shown, context, rel, url, feed_type, True, feed_title)
            self._overridden_files.discard(path)

    def flush(self):
        """Render every queued job (in parallel when it pays) and record the manifest."""
        jobs, self.jobs = self.jobs, []
        workers = max(1, int(self.settings.get("SPEED_WORKERS") or os.cpu_count() or 1))
        if workers > 1 and len(jobs) >= PARALLEL_MINIMUM:
            _render_forked(self, jobs, workers)
        else:
            for job in jobs:
                self._run(job)
        for kind, path, fingerprint, args in jobs:
            rel = self._rel(path)
            stat = os.stat(path)
            self.manifest[rel] = [fingerprint, stat.st_ino, stat.st_size, stat.st_mtime_ns]
            if kind == "page" and signals.content_written.receivers:
                local = dict(args[1])
                local.update(args[2])
                signals.content_written.send(path, context=local)
        store.save(self.settings, MANIFEST, self.global_fingerprint, self.manifest)
        return len(jobs)


def _render_forked(writer, jobs, workers):
    children = []
    for index in range(1, workers):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: render every `workers`-th job, report, exit
            os.close(read_end)
            status, payload = 0, {"records": [], "error": None}
            handler = ForwardRecords()
            root = logging.getLogger()
            root.handlers = [handler]
            try:
                for job in jobs[index::workers]:
                    writer._run(job)
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                status = 1
                payload["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                payload["traceback"] = traceback.format_exc()
            payload["records"] = handler.records
            with os.fdopen(write_end, "wb") as pipe:
                pickle.dump(payload, pipe)
            os._exit(status)
        os.close(write_end)
        children.append((pid, read_end))
    error = None
    try:
        for job in jobs[0::workers]:
            writer._run(job)
    except BaseException as exc:  # noqa: BLE001 - children are collected first
        error = exc
    for pid, read_end in children:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(pid, 0)
        payload = pickle.loads(data) if data else {"records": [], "error": f"render worker died ({status})"}
        for name, level, message in payload["records"]:
            logging.getLogger(name).log(level, "%s", message)
        if payload.get("error") and error is None:
            if os.environ.get("SITE_DEBUG"):
                logger.error("render worker failed:\n%s", payload.get("traceback", ""))
            error = RuntimeError(payload["error"])
    if error is not None:
        raise error
