"""Pelican integration: tag documents while they are read, before the taxonomy.

- `initialized`: defaults, taxonomy loaded and checked (errors name file and line).
- `article_generator_init`: once per build run; re-reads themen.yml if it changed
  (livereload) and puts `topic_taxonomy` into the shared context.
- `content_object_init`: every Article, FAQ entry and outage Notice (all Content
  subclasses; Pelican's static Page and Static are skipped) gets its automatic
  topics merged into `tags` as pelican.urlwrappers.Tag objects. Editor tags stay
  first and are never removed; `Topics: off` and `Topics-Exclude:` are honoured;
  `metadata["auto_topics"]` lists the names of the tags added automatically.
  In big builds (TOPICS_WORKER, worker.py) texts not in the cache are analyzed
  in a second process meanwhile, and their tags are merged in the next step;
  the worker only starts once enough texts miss the cache to pay for it (a
  rebuild after editing one article analyzes it here, in milliseconds).
- `article_generator_pretaxonomy`: every article has its final tags here, before
  Pelican builds categories, tags and feeds. Articles that came from Pelican's
  content cache are re-tagged if the taxonomy changed since they were cached.
- `all_generators_finalized`: related documents, the per-topic lists for topic
  pages, the report data, and the analysis cache (see finalize.py).

Results live on the content objects themselves (`topics_result`), so they
survive Pelican's content cache and work when documents are read elsewhere.
"""

import logging
import multiprocessing
import os

from pelican.contents import Content, Page, Static
from pelican.urlwrappers import Tag

from german import lemmas
from kit import child, problems

from . import cache
from . import model as model_module
from . import report as report_module
from . import settings as topic_settings
from . import taxonomy as taxonomy_module
from .engine import Engine, Result, has_evidence, joined
from .settings import display_path, enabled
from .worker import Pipeline

logger = logging.getLogger(__name__)

# Pelican's own static pages are not tagged; every other Content subclass is.
SKIP_TYPES = (Page, Static)
# A process runs one build at a time (the build lock), and a state holds its
# build's documents and report: when the next build starts, the last one's
# state is let go, so a long-lived process (live reload, tests) keeps one.
MAX_STATES = 1
# Below this many documents the report and caches are written in the build process.
BACKGROUND_MINIMUM = 200
# The background work's name in messages.
BACKGROUND_WORK = "topics: writing the topic report and cache"
# A worker process costs about 0.3 s to start (more when it must load simplemma's
# dictionary); below this many texts to analyze, the build process does it.
WORKER_AFTER_MISSES = 48


class _Where:
    """The document's path for an error message, worked out only when one is logged."""

    def __init__(self, doc, settings):
        self.doc, self.settings = doc, settings

    def __str__(self):
        return display_path(getattr(self.doc, "source_path", None), self.settings)

    def __hash__(self):
        return hash(getattr(self.doc, "source_path", None))

    def __eq__(self, other):
        return str(self) == str(other)


class State:
    """Taxonomy, engine and shared Tag objects for one Pelican settings object."""

    def __init__(self, settings, handed=None):
        """`handed`: a list holding the last build's state, which this one may
        take over (emptied here, so that state is garbage before load())."""
        self.settings = settings
        self.taxonomy = None
        self.engine = None
        self.problems = []
        self.text_hash = None
        self.model_key = None
        self.raw_taxonomy = None
        self.stamp = None  # the cache files as this process last read or wrote them (disk_stamp)
        self.tags = {}
        self.reported = set()
        self.report = None
        self.waiting = []
        self.held = []  # (key, title, summary, content) not yet given to a worker
        self.pipeline = None
        self.use_worker = False
        self.store = None
        self.lemma_sizes = None  # (lemmas, known) answers in the lemma cache file
        self.job = None  # kit.child.Job writing the report JSON and the caches
        self.json_written = False
        self.stale_store = False  # a background process rewrote the cache files
        topic_settings.apply_defaults(settings)
        self.path = os.path.join(settings["PATH"], settings["TOPICS_TAXONOMY"])
        self.display = display_path(self.path, settings)
        previous = handed.pop() if handed else None
        taken = previous is not None and self._take_over(previous)
        previous = None
        if not taken:
            self.load()

    # -- taxonomy ----------------------------------------------------------

    def _read(self):
        try:
            with open(self.path, "rb") as handle:
                return handle.read()
        except OSError:
            return None

    def load(self):
        """(Re)load the taxonomy; on errors tagging stays off (begin_run logs them)."""
        raw = self._read()
        self.text_hash = hash(raw)
        self.raw_taxonomy = raw
        path = self.settings["TOPICS_MODEL"]
        self.model_key = model_module.file_key(path) if path else None  # begin_run compares it
        self.tags = {}
        if raw is None:
            # A site without a taxonomy simply has no automatic topics (like a
            # site without components has no outages); a broken one is an error.
            self.taxonomy = self.engine = None
            self.problems = []
            logger.info("%s: not there; automatic topics are off", self.display)
            return
        try:
            taxonomy = taxonomy_module.load(self.path, self.display)
        except taxonomy_module.TaxonomyError as exc:
            self.taxonomy = self.engine = None
            self.problems = exc.problems
            return
        try:
            model = self.model()
        except model_module.ModelError as exc:
            self.taxonomy = self.engine = None
            self.problems = [(exc.path, exc.field, exc.expected)]
            return
        self.problems = []
        self.taxonomy = taxonomy
        settings = self.settings
        self.engine = Engine(taxonomy, settings["TOPICS_PLACE_WEIGHTS"], settings["TOPICS_MAX_AUTO"], model)
        self.store = None
        if settings["TOPICS_CACHE"]:
            directory = cache.cache_dir(settings)
            self.store = cache.AnalysisStore(directory, self.engine.fingerprint)
            self.engine.memory.update(self.store.load())
            self.engine.loaded_keys = set(self.engine.memory)
            self.engine.evidence_source = self.store.evidence
            self.lemma_sizes = cache.load_lemmas(directory)
            self.stamp = self.disk_stamp()

    def _take_over(self, previous):
        """Continue from the last build's state in this process (live reload): the
        same taxonomy bytes, engine and cache directory mean the same analyses, so
        they are not decoded from the disk again (0.1-0.2 s and 25 MB of garbage
        per build at 4,000 texts). Only what the last build used or found on disk
        is kept, so analyses of texts that changed since do not pile up. False
        when anything differs: then load() starts from the disk."""
        settings = self.settings
        raw = self._read()
        if (raw is None or raw != previous.raw_taxonomy or previous.path != self.path
                or previous.engine is None or previous.store is None
                or previous.stale_store or previous.pipeline is not None or not settings["TOPICS_CACHE"]
                or previous.store.directory != cache.cache_dir(settings)
                or previous.stamp is None or previous.disk_stamp() != previous.stamp):
            return False
        try:
            model = self.model()
        except model_module.ModelError:
            return False  # load() reports it
        engine = Engine(previous.taxonomy, settings["TOPICS_PLACE_WEIGHTS"], settings["TOPICS_MAX_AUTO"], model)
        if engine.fingerprint != previous.engine.fingerprint:
            return False
        engine = previous.engine
        kept = engine.used | engine.loaded_keys
        engine.memory = {key: value for key, value in engine.memory.items() if key in kept}
        engine.packed = {key: value for key, value in engine.packed.items() if key in kept}
        self.raw_taxonomy, self.text_hash = raw, hash(raw)
        self.taxonomy, self.engine, self.store = previous.taxonomy, engine, previous.store
        self.lemma_sizes, self.stamp = previous.lemma_sizes, previous.stamp
        self.problems = []
        return True

    def model(self):
        """The near-miss model of the settings (None when off); ModelError when unusable."""
        path = self.settings["TOPICS_MODEL"]
        self.model_key = model_module.file_key(path) if path else None
        if not path:
            return None
        return model_module.load_cached(path, display_path(path, self.settings))

    def disk_stamp(self):
        """(inode, size, mtime) of every cache file this state reads: equal to
        `stamp` when nobody else wrote, replaced or damaged them since."""
        directory = cache.cache_dir(self.settings)
        stamp = []
        for path in self.store.files() + [os.path.join(directory, cache.LEMMAS)]:
            try:
                info = os.stat(path)
                stamp.append((path, info.st_ino, info.st_size, info.st_mtime_ns))
            except OSError:
                stamp.append((path, None))
        return tuple(stamp)

    def begin_run(self):
        """Start of a build run: pick up an edited taxonomy, forget last run's notes."""
        path = self.settings["TOPICS_MODEL"]
        reloaded = (hash(self._read()) != self.text_hash
                    or (model_module.file_key(path) if path else None) != self.model_key)
        if reloaded:
            self.close_worker()  # it was started for the old taxonomy
            self.load()
        for where, field, expected in self.problems:
            problems.report(logger, where, field, expected)
        self.reported = set()
        self.report = None
        self.close_worker()
        self.join_background()
        if self.stale_store and self.store is not None and self.engine is not None:
            self.store.load()  # learn the shard files the background process wrote
        self.stale_store = False
        self.json_written = False
        self.waiting = []
        self.held = []
        if self.engine is not None:
            self.engine.used = set()
        self.use_worker = self.pipeline is not None or (self.engine is not None and worker_wanted(self.settings))

    # -- tags --------------------------------------------------------------

    def tag_for(self, slug):
        tag = self.tags.get(slug)
        if tag is None:
            topic = self.taxonomy.by_slug()[slug]
            tag = Tag(topic.label, self.settings)
            tag.slug = topic.slug
            self.tags[slug] = tag
        return tag

    def canonical(self, tag):
        """An editor tag written like a topic's label gets the topic's slug."""
        if self.taxonomy is None or not isinstance(tag, Tag):
            return tag
        topic = self.taxonomy.find(str(tag))
        if topic is not None and tag.slug != topic.slug and str(tag).casefold() == topic.label.casefold():
            tag.slug = topic.slug
        return tag

    # -- editor controls ---------------------------------------------------

    def _error(self, source, field, expected):
        source = str(source)
        if (source, field, expected) not in self.reported:
            self.reported.add((source, field, expected))
            problems.report(logger, source, field, expected)

    def automatic_on(self, value, source):
        if value is None:
            return True
        text = str(value).strip().casefold()
        if text in topic_settings.OFF_VALUES:
            return False
        if text not in topic_settings.ON_VALUES:
            self._error(source, "Topics", f"'{value}' is not understood; expected 'off' to turn "
                        "automatic topics off for this text (or 'on')")
        return True

    def excluded(self, value, source):
        if not value:
            return set()
        names = value if isinstance(value, (list, tuple)) else str(value).split(",")
        slugs = set()
        for name in (str(n).strip() for n in names):
            if not name:
                continue
            topic = self.taxonomy.find(name)
            if topic is None:
                labels = ", ".join(t.label for t in self.taxonomy.topics)
                self._error(source, "Topics-Exclude", f"'{name}' is not a topic in {self.display}; "
                            f"expected one of {labels}")
            else:
                slugs.add(topic.slug)
        return slugs

    # -- documents ---------------------------------------------------------

    def apply(self, doc, defer=False):
        """Merge automatic topics into doc.tags; record why on the document.

        With `defer`, a text that is not in the cache may go to the analysis
        worker (worker.py); the document then waits in `self.waiting` until
        `finish_waiting()` merges its tags (before Pelican's taxonomy).
        """
        meta = doc.metadata
        source = _Where(doc, self.settings)
        editor_tags = doc.__dict__.get("topics_editor_tags")
        if editor_tags is None:
            editor_tags = [self.canonical(t) for t in (getattr(doc, "tags", None) or [])]
        doc.topics_editor_tags = list(editor_tags)
        on = self.automatic_on(meta.get("topics"), source)
        exclude = self.excluded(meta.get("topics-exclude"), source)
        key = None
        if on:
            title, summary, content = self.text_of(doc)
            key = self.engine.key(title, summary, content)
            self.engine.used.add(key)
            if key not in self.engine.memory:
                if defer and self.use_worker:
                    self.defer(key, title, summary, content)
                    self.waiting.append((doc, key, on, exclude))
                    self._merge(doc, editor_tags, [], None, on, exclude, [], None)
                    return
                self.engine.analyze(title, summary, content)
        self._finish(doc, key, on, exclude)

    @staticmethod
    def text_of(doc):
        """(title, summary, content): the text of a document that is analysed."""
        meta = doc.metadata
        title = str(getattr(doc, "title", None) or meta.get("title") or meta.get("question") or "")
        return title, str(meta.get("summary") or ""), getattr(doc, "_content", "") or ""

    def with_evidence(self, docs):
        """Make sure these documents' analyses hold their evidence (the report needs it).

        Analyses from the disk cache come without; their evidence is read from
        the cache's shards, or, if a shard is lost, the text is analysed again:
        the same text gives the same analysis.
        """
        wanted = []
        for doc in docs:
            result = doc.__dict__.get("topics_result")
            if result is not None and result.analysis is not None and not has_evidence(result.analysis):
                wanted.append((doc, result))
        if not wanted:
            return
        self.engine.complete([result.key for _doc, result in wanted])
        for doc, result in wanted:
            analysis = self.engine.memory.get(result.key)
            if analysis is None or not has_evidence(analysis):
                _key, analysis = self.engine.analyze(*self.text_of(doc), fresh=True)
            result.analysis = analysis

    def whole_analysis(self, doc):
        """Doc's analysis with its evidence, for one report entry, or None.

        Unlike with_evidence() nothing is attached: the analysis kept for the
        document stays small, and the evidence is garbage once the entry is
        rendered, so the report never holds every text's evidence at once.
        """
        result = doc.__dict__.get("topics_result")
        analysis = result.analysis if result is not None else None
        if analysis is None or has_evidence(analysis):
            return analysis
        evidence = self.engine.evidence_of([result.key]).get(result.key)
        whole = joined(analysis, evidence) if evidence is not None else None
        if whole is None:  # lost with a shard: the same text gives the same analysis
            _key, whole = self.engine.analyze(*self.text_of(doc), fresh=True)
        return whole

    def _finish(self, doc, key, on, exclude):
        editor_tags = doc.topics_editor_tags
        analysis = self.engine.memory.get(key) if key else None
        assigned, candidates = [], []
        if analysis is not None:
            present = {t.slug for t in editor_tags if isinstance(t, Tag)}
            assigned, candidates = self.engine.decide(analysis, exclude, present)
        self._merge(doc, editor_tags, assigned, key, on, exclude, candidates, analysis)

    def _merge(self, doc, editor_tags, assigned, key, on, exclude, candidates, analysis):
        auto = [self.tag_for(slug) for slug in assigned]
        doc.tags = list(editor_tags) + auto
        doc.metadata["tags"] = doc.tags
        doc.metadata["auto_topics"] = [tag.name for tag in auto]
        doc.topics_result = Result(
            engine=self.engine.fingerprint if analysis is not None or not on else None,
            key=key,
            on=on,
            exclude=sorted(exclude),
            auto=assigned,
            candidates=candidates,
            analysis=analysis,
        )

    def defer(self, key, title, summary, content):
        """A text for the worker; held back until enough of them make one pay off.

        With no analyses cached at all (a cold build) the worker starts at
        once, so that it has loaded simplemma's dictionary by the time the
        texts arrive.
        """
        if self.pipeline is not None:
            self.pipeline.submit(key, title, summary, content)
            return
        self.held.append((key, title, summary, content))
        if len(self.held) >= WORKER_AFTER_MISSES or not self.engine.loaded_keys:
            pipeline = self.start_worker()
            if pipeline is not None:
                held, self.held = self.held, []
                for item in held:
                    pipeline.submit(*item)

    def finish_waiting(self):
        """Merge the tags of documents whose text was deferred (worker or held back)."""
        held, self.held = self.held, []
        for key, title, summary, content in held:
            if key not in self.engine.memory:
                self.engine.analyze(title, summary, content)
        if self.pipeline is not None:
            self.pipeline.wait()
        waiting, self.waiting = self.waiting, []
        for doc, key, on, exclude in waiting:
            self._finish(doc, key, on, exclude)

    def start_worker(self):
        """The analysis worker process(es), or None (then texts are analyzed here)."""
        if self.pipeline is None and self.use_worker:
            # One worker per spare core: the build process itself keeps reading Markdown.
            workers = self.settings["TOPICS_WORKERS"] or max(1, min((os.cpu_count() or 1) - 1, 3))
            self.pipeline = Pipeline(self.engine, workers, lemmas.memo())
            if not self.pipeline.alive:
                self.use_worker = False
                self.pipeline = None
        return self.pipeline

    def close_worker(self):
        """Stop the worker; what it learnt about words joins this process's lemma memo."""
        if self.pipeline is not None:
            learnt = self.pipeline.close()
            self.pipeline = None
            for found, known in learnt:
                lemmas.remember(found, known)

    def finish_outputs(self, documents):
        """Caches and bericht.json, in a background process when that is real work.

        The JSON goes to the staging output now (not in the report generator)
        unless Pelican may still empty the output directory (DELETE_OUTPUT_DIRECTORY).

        The work is independent of what the build does next (fingerprinting and
        queueing pages on one core), so on a machine with a spare core a forked
        copy of the build process, which has every analysis in memory already,
        does it meanwhile (kit.child; where it may not fork, the work is done
        here: same files, only later). `finalized` waits for it
        (join_background) before the output is swapped in.
        """
        settings = self.settings
        writer = None
        rel = settings["TOPICS_REPORT_JSON_SAVE_AS"]
        if rel and self.report is not None and not settings["DELETE_OUTPUT_DIRECTORY"]:
            writer = report_module.JsonWriter(self.report, settings, os.path.join(settings["OUTPUT_PATH"], rel),
                                              rel)
        heavy = (writer is not None and not writer.unchanged) or self.caches_changed()

        def work():
            saved = self.save_caches()
            if writer is not None:
                writer.run()
            # What the files now hold, for this process's store (see join_background).
            return {"shards": dict(self.store.shards), "stamp": self.stamp,
                    "loaded_keys": self.engine.loaded_keys,
                    "lemma_sizes": self.lemma_sizes} if saved and self.store is not None else None

        if heavy and documents >= BACKGROUND_MINIMUM and child.workers() > 1:
            if self.store is not None:
                self.store.keep_readable(self._cache_entries())
            self.job = child.start(work, BACKGROUND_WORK)
            # A child rewrote the cache files this process's store describes.
            self.stale_store = self.job.pid is not None
        else:
            work()
        self.json_written = writer is not None

    def join_background(self):
        """Wait for the background work; a failure there is logged as an error (the build fails)."""
        if self.job is not None:
            job, self.job = self.job, None
            try:
                stored = job.join()
            except Exception as exc:  # noqa: BLE001 - reported like the child's own errors
                logger.error("%s: failed: %s", BACKGROUND_WORK, child.describe(exc))
                return
            if stored is not None and self.stale_store:
                # The child wrote the cache files: their shard map is all this process lacks.
                self.store.adopt(stored["shards"])
                self.engine.loaded_keys = stored["loaded_keys"]
                self.lemma_sizes, self.stamp = stored["lemma_sizes"], stored["stamp"]
                self.stale_store = False

    def _cache_entries(self):
        engine = self.engine
        return {key: engine.memory[key] for key in engine.used if key in engine.memory}

    def caches_changed(self):
        if self.store is not None and self.store.needs_save(self._cache_entries()):
            return True
        return self.lemma_sizes is not None and lemmas.memo_sizes() != self.lemma_sizes

    def save_caches(self):
        """Analyses used in this build and the lemma memo, when they changed.
        False when the file system refused (the files may then be half old)."""
        directory = cache.cache_dir(self.settings)
        engine = self.engine
        try:
            if self.store is not None:
                entries = self._cache_entries()
                self.store.save(entries, engine.packed)
                engine.loaded_keys = set(entries)
            if self.lemma_sizes is not None and lemmas.memo_sizes() != self.lemma_sizes:
                self.lemma_sizes = cache.save_lemmas(directory)
        except OSError as exc:
            logger.warning("%s: cache: cannot be written (%s); the next build analyzes again",
                           directory, exc.strerror or exc)
            self.stamp = None
            return False
        if self.store is not None:
            self.stamp = self.disk_stamp()
        return True

    def ensure_current(self, doc):
        result = doc.__dict__.get("topics_result")
        if not isinstance(result, Result) or result.engine != self.engine.fingerprint:
            self.apply(doc)
        elif result.key:
            self.engine.used.add(result.key)


_states = []


def get_state(settings):
    found = next((state for state in _states if state.settings is settings), None)
    if found is not None:
        return found
    # The states let go of first leave no worker process behind, and go before the
    # new one loads its analyses: a process never holds two sets of them (no name
    # here refers to one while the new state is made). The newest of them may hand
    # its analyses on (State._take_over).
    handed = _states[MAX_STATES - 1:]
    for state in handed:
        state.close_worker()
        state.join_background()
    del _states[MAX_STATES - 1:], handed[1:]
    state = None
    _states.insert(0, State(settings, handed))
    return _states[0]


def taggable(instance):
    return isinstance(instance, Content) and type(instance) not in SKIP_TYPES


# -- signal handlers ---------------------------------------------------------


def on_initialized(pelican):
    # The taxonomy is loaded (and its errors reported) now. The worker starts
    # with the first text, not here: its pipe threads would keep the speed
    # plugin from forking to read Markdown on both cores, which costs a cold
    # build more than the worker's head start saves.
    if enabled(pelican.settings):
        get_state(pelican.settings)


def on_article_generator_init(generator):
    if not enabled(generator.settings):
        return
    state = get_state(generator.settings)
    state.begin_run()
    generator.context["topic_taxonomy"] = (
        {t.slug: t.as_context() for t in state.taxonomy.topics} if state.taxonomy else {}
    )


def on_content_object_init(instance):
    if not taggable(instance) or not enabled(instance.settings):
        return
    state = get_state(instance.settings)
    if state.engine is not None:
        state.apply(instance, defer=True)


def on_article_generator_pretaxonomy(generator):
    if not enabled(generator.settings):
        return
    state = get_state(generator.settings)
    if state.engine is None:
        return
    state.finish_waiting()
    for group in ("articles", "translations", "hidden_articles", "drafts"):
        for doc in getattr(generator, group, None) or []:
            state.ensure_current(doc)


def worker_wanted(settings):
    """A second process pays off for big builds on a machine with a spare core."""
    setting = settings["TOPICS_WORKER"]
    if setting is False or setting in ("off", "no", "false"):
        return False
    if multiprocessing.parent_process() is not None:
        return False  # we are inside another plugin's worker process
    if setting == "auto" and (os.cpu_count() or 1) < 2:
        return False
    minimum = settings["TOPICS_WORKER_MIN_DOCS"]
    if not minimum:
        return True
    count = 0
    for _root, _dirs, names in os.walk(settings["PATH"]):
        count += sum(1 for n in names if n.endswith((".md", ".markdown", ".rst", ".html")))
        if count >= minimum:
            return True
    return False
