"""Pelican's internals, all in one place, checked when a build starts.

No other module of this project touches a private name of Pelican. Most uses
are the speed plugin's, which saves time where Pelican offers no public way to:

- it fills the reader cache of Pelican's `Readers` (`_cache`, stamped with
  `_get_file_stamp`) with documents it parsed in parallel or kept from the
  last build, so Pelican takes them from there;
- it keeps the slug of a tag, category or author (`URLWrapper._slug`,
  `_slug_from_name`) with the cached document, and sets it without
  slugifying the same name a thousand times;
- it gives every content object a subclass of its class that remembers
  `url`, `save_as` and `url_format` (a `__class__` swap);
- it reads a document's HTML as the reader made it (`Content._content`) and
  leaves Pelican's own references (`_context`, `_summary`) out of fingerprints;
- its writer queues pages instead of writing them, and so repeats what
  `Writer.write_file` does before it writes (pagination, the page's context,
  `localsiteurl`) and the rule of `Writer._open_w` (an output file is
  written once unless one write overrides it).

The others: the editorial checks read a document's links and images in its
HTML before Pelican replaces `{filename}` links (`_content`, or a plugin's
`_get_content`, as Pelican's `get_content` does), the site's published files
(`_context`) and the theme's template folders (`Generator._templates_path`);
social posts start from the same HTML; the live-reload server's preview of an
edited page gives a copy of the document new reader HTML (`_content`) and
renders its page as the generators would (`ArticlesGenerator.generate_articles`,
`PagesGenerator.generate_output`, repeated here); after a new title it gives the
document itself a new state for a moment (the slug derived as `Content.__init__`
does); the build runner resets Pelican's log
de-duplication (`LimitFilter._raised_messages`, `_group_count`) between
builds in one process.

`check()` runs when a build starts (speed's `initialized` handler): the installed Pelican must be a version
this module was checked with, and every private name above must be there in
the expected shape (Pelican's code copied here is compared by a digest of its
source). Otherwise the build logs one warning and speed is off for it: no
reading cache, no incremental writer, Pelican reads and writes every page
itself. The output is the same, only slower; the warning fails `invoke
check`, so an upgrade of Pelican is looked at before it is published.
"""

import contextlib
import copy as copy_module
import hashlib
import importlib.metadata
import inspect
import logging
import re

from pelican import cache as pelican_cache
from pelican import contents, generators, log, paginator, readers, urlwrappers, utils, writers
from pelican.utils import get_relative_path, path_to_url

logger = logging.getLogger(__name__)

# Pelican releases (major, minor) this module was checked with.
SUPPORTED = {(4, 12)}
# Digests of the Pelican functions repeated here (see `_source_digest`).
KNOWN_SOURCES = {
    "Writer.write_file": "6a604ad67bbeec99",
    "Writer._open_w": "69700ea0b4668663",
    "ArticlesGenerator.generate_articles": "5494d418a930a36f",
    "PagesGenerator.generate_output": "5344de17ecd82b4c",
    "Content.__init__": "38b67e4211facf9d",
}
# Attributes of content objects that are Pelican's own bookkeeping, not data of
# the document: the raw HTML (hashed on its own), the site context, the summary
# before links are replaced.
CONTENT_INTERNALS = frozenset({"_content", "_context", "_summary"})
MEMOISED = ("url", "save_as", "url_format")
MEMO_PREFIX = "_speed_"

_state = {"open": False, "problems": ()}


# -- the check --------------------------------------------------------------------


def _source_digest(function):
    return hashlib.sha256(inspect.getsource(function).encode("utf-8")).hexdigest()[:16]


def _parameters(function):
    return tuple(inspect.signature(function).parameters)


def _reader_cache_works():
    """Seed a bare FileStampDataCacher as `seed_reader_cache` does and read it back."""
    if not issubclass(readers.Readers, pelican_cache.FileStampDataCacher):
        return False
    if readers.Readers.get_cached_data is not pelican_cache.FileStampDataCacher.get_cached_data:
        return False
    settings = {"CACHE_PATH": "", "GZIP_CACHE": False, "CHECK_MODIFIED_METHOD": "mtime"}
    probe = pelican_cache.FileStampDataCacher(settings, "", False, False)
    seed_reader_cache(probe, __file__, "<p>x</p>", {"title": "x"})
    return probe.get_cached_data(__file__, None) == ("<p>x</p>", {"title": "x"})


def _wrapper_slug_works():
    tag = urlwrappers.Tag("Ärger", {})
    if cached_slug(tag) is not None or wrapper_state(tag) != ["Ärger", None, True]:
        return False
    set_cached_slug(tag, "kept")
    if tag.slug != "kept" or wrapper_state(tag) != ["Ärger", "kept", True]:
        return False
    copy = wrapper_from_state(urlwrappers.Tag, {}, ["Ärger", "aerger", False])
    return copy.slug == "aerger" and copy.name == "Ärger" and wrapper_state(copy)[2] is False


def _content_shape_works():
    if not CONTENT_INTERNALS <= set(contents.Content.__init__.__code__.co_names):
        return False  # __init__ no longer stores them
    if not all(isinstance(inspect.getattr_static(contents.Content, n, None), property) for n in MEMOISED):
        return False
    bare = contents.Content.__new__(contents.Content)  # no __init__: no signal is sent
    bare.__class__ = memoising_class(contents.Content)
    return isinstance(bare, contents.Content)


CHECKS = (
    ("the reader cache (Readers._cache, _get_file_stamp)", _reader_cache_works),
    ("the slug of tags, categories and authors (URLWrapper._slug, _slug_from_name)", _wrapper_slug_works),
    ("content objects (Content._content, _context, _summary; url, save_as, url_format)",
     _content_shape_works),
    ("the template folders (Generator._templates_path)",
     lambda: "_templates_path" in generators.Generator.__init__.__code__.co_names),
    ("the memoised content methods (utils.memoized.cache)",
     lambda: isinstance(vars(contents.Content)["get_content"], utils.memoized)
     and isinstance(vars(contents.Content)["get_content"].cache, dict)),
    ("the log de-duplication (LimitFilter._raised_messages, _group_count)",
     lambda: isinstance(log.LimitFilter._raised_messages, set) and isinstance(log.LimitFilter._group_count, dict)),
    ("Writer.write_file (pagination and page context repeated here)",
     lambda: _source_digest(writers.Writer.write_file) == KNOWN_SOURCES["Writer.write_file"]),
    ("Writer._open_w (the overwrite rule repeated here)",
     lambda: _source_digest(writers.Writer._open_w) == KNOWN_SOURCES["Writer._open_w"]),
    ("how generators write a document's own page (ArticlesGenerator.generate_articles, "
     "PagesGenerator.generate_output)",
     lambda: _source_digest(generators.ArticlesGenerator.generate_articles)
     == KNOWN_SOURCES["ArticlesGenerator.generate_articles"]
     and _source_digest(generators.PagesGenerator.generate_output)
     == KNOWN_SOURCES["PagesGenerator.generate_output"]),
    ("how a document's slug comes from its title (Content.__init__)",
     lambda: _source_digest(contents.Content.__init__) == KNOWN_SOURCES["Content.__init__"]),
    ("Writer.write_feed's parameters",
     lambda: _parameters(writers.Writer.write_feed) == (
         "self", "elements", "context", "path", "url", "feed_type", "override_output", "feed_title")),
    ("Paginator's parameters",
     lambda: _parameters(paginator.Paginator.__init__)[:6] == (
         "self", "name", "url", "object_list", "settings", "per_page")),
)


def pelican_version():
    try:
        return importlib.metadata.version("pelican")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def problems():
    """What is not as expected in the installed Pelican (empty: speed may run)."""
    found = []
    version = pelican_version()
    match = re.match(r"(\d+)\.(\d+)", version)
    if not match or (int(match[1]), int(match[2])) not in SUPPORTED:
        found.append(f"version {version}, checked with "
                     + ", ".join(f"{a}.{b}.x" for a, b in sorted(SUPPORTED)))
    for what, works in CHECKS:
        try:
            fine = works()
        except Exception:  # noqa: BLE001 - a missing or changed name: not as expected
            fine = False
        if not fine:
            found.append(f"{what} changed")
    return found


def check():
    """At the start of a build (`initialized`): open the door or log why it stays shut."""
    found = problems()
    _state["problems"] = tuple(found)
    _state["open"] = not found
    if found:
        logger.warning(
            "speed: Pelican %s is not what the speed plugin was checked with (%s); speed is off "
            "for this build, Pelican reads and writes every page itself (same output, slower). "
            "Expected a checked Pelican: update plugins/kit/pelican_door.py after checking the "
            "new release, or install the version from requirements.txt",
            pelican_version(), "; ".join(found))
    return not found


def is_open():
    """True when this build's check found Pelican as expected."""
    return _state["open"]


# -- reading ----------------------------------------------------------------------


def seed_reader_cache(reader_cache, path, content, metadata):
    """Pelican's Readers takes (content, metadata) for `path` from its cache from now on."""
    reader_cache._cache[path] = (reader_cache._get_file_stamp(path), (content, metadata))


def cached_slug(wrapper):
    """The slug a tag, category or author has computed so far (None: not yet)."""
    return wrapper._slug


def set_cached_slug(wrapper, slug):
    """As if the wrapper had computed `slug` from its name itself."""
    wrapper._slug = slug


def wrapper_state(wrapper):
    """[name, slug so far, slug follows the name] of a tag, category or author."""
    return [wrapper.name, wrapper._slug, wrapper._slug_from_name]


def wrapper_from_state(cls, settings, state):
    name, slug, from_name = state
    wrapper = cls(name, settings)
    wrapper._slug, wrapper._slug_from_name = slug, from_name
    return wrapper


# -- content objects --------------------------------------------------------------


def raw_content(content):
    """The document's HTML as the reader made it (links not yet replaced)."""
    return content._content or ""


def html_before_links(document):
    """The HTML Pelican's `get_content` starts from: a plugin's `_get_content`
    when one is set, else what the reader made; links not yet replaced."""
    if hasattr(document, "_get_content"):
        return document._get_content()
    return getattr(document, "_content", None)


def published_sources(document):
    """The source paths (relative to content/) of every published document, as
    Pelican resolves `{filename}` links: empty before the context is set."""
    context = getattr(document, "_context", None) or {}
    return context.get("generated_content", {})


def template_folders(generator):
    """The generator's template folders, the theme's first and overrides last."""
    return list(generator._templates_path)


def with_new_text(document, html):
    """A copy of `document` whose reader HTML is `html`; everything else (metadata,
    URLs, what plugins attached) is shared with the original."""
    copy = copy_module.copy(document)
    copy._content = html
    return copy


def retitled(document, metadata, html):
    """The state (`__dict__`) `document` would have if read again with the title of
    `metadata` (as its reader read the file now) and new reader HTML: the slug,
    and with it the URL and output name, derived again as `Content.__init__`
    derives it, unless the file names its slug. None when the slug did not come
    from the title as Pelican makes it (a plugin's)."""
    settings, title = document.settings, metadata["title"]
    state = {key: value for key, value in vars(document).items() if not key.startswith(MEMO_PREFIX)}
    state["_content"] = html
    state["title"] = title
    state["metadata"] = dict(document.metadata, title=title)
    if "slug" not in metadata and settings["SLUGIFY_SOURCE"] == "title":
        def slug(value):
            return utils.slugify(value, regex_subs=settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
                                 preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
                                 use_unicode=settings.get("SLUGIFY_USE_UNICODE", False))

        if slug(document.title) != getattr(document, "slug", None):
            return None
        state["slug"] = slug(title)
        if "slug" in state["metadata"]:  # put there by the speed plugin's reading
            state["metadata"]["slug"] = state["slug"]
    return state


@contextlib.contextmanager
def standing_in(document, state):
    """Inside, `document` has the state `state` (see `retitled`): every list, page
    and neighbour that holds the document shows the new values. Its memoised
    HTML is forgotten on the way in and out."""
    before = document.__dict__
    forget_memoised_content()
    document.__dict__ = state
    try:
        yield document
    finally:
        document.__dict__ = before
        forget_memoised_content()


def own_page(generator, document):
    """(output name, HTML) of the page of `document` itself, rendered as `generator`
    writes it in a build (ArticlesGenerator.generate_articles,
    PagesGenerator.generate_output, then Writer.write_file); None for a document
    of any other generator (plugins write theirs their own way)."""
    if isinstance(generator, generators.ArticlesGenerator):
        values = {"article": document, "category": getattr(document, "category", None), "blog": True}
    elif isinstance(generator, generators.PagesGenerator):
        values = {"page": document}
    else:
        return None
    settings, context = generator.settings, generator.context
    pages = pages_to_write(settings, document.save_as, document.url, values, None, None)
    if len(pages) != 1:
        return None
    name, own = pages[0]
    local = shared_context(context)
    local.update(page_values(name, own, settings["RELATIVE_URLS"]))
    return name, render_page(generator.get_template(document.template), local, context)


# -- between builds in one process -------------------------------------------------


def forget_memoised_content(only=None):
    """Empty the caches of Pelican's `@memoized` content methods (`get_content`,
    `get_summary`; `only`: the methods of these names). They live on the class and
    are keyed by the content object, so without this every document of every build
    stays in memory in a process that builds again and again (the live-reload
    server, tests), and a process that renders every page holds the HTML of every
    document twice."""
    for klass in (contents.Content, *_subclasses_of(contents.Content)):
        for name, value in vars(klass).items():
            if isinstance(value, utils.memoized) and (only is None or name in only):
                value.cache.clear()


def _subclasses_of(klass):
    for sub in klass.__subclasses__():
        yield sub
        yield from _subclasses_of(sub)


# -- logging ------------------------------------------------------------------------


def reset_log_deduplication():
    """Pelican de-duplicates warnings per *process*; a second build in the same
    process (live reload, tests) would not see them again without this."""
    log.LimitFilter._raised_messages.clear()
    log.LimitFilter._group_count.clear()


_subclasses = {}


def _memoising(name, original):
    key = MEMO_PREFIX + name

    def get(self):
        memo = self.__dict__
        if key not in memo:
            memo[key] = original.__get__(self, type(self))
        return memo[key]

    return property(get, doc=original.__doc__)


def memoising_class(cls):
    """A subclass of `cls`, named like it, whose url, save_as and url_format keep their first value."""
    sub = _subclasses.get(cls)
    if sub is None:
        namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__, "__doc__": cls.__doc__}
        for name in MEMOISED:
            original = inspect.getattr_static(cls, name, None)
            if isinstance(original, property):
                namespace[name] = _memoising(name, original)
        sub = _subclasses[cls] = type(cls.__name__, (cls,), namespace)
    return sub


def memoise_urls(document):
    """From now on `document` computes its URLs once (False when it does already)."""
    if type(document) in _subclasses.values():
        return False
    document.__class__ = memoising_class(type(document))
    return True


# -- writing (what Writer.write_file and Writer._open_w do) ------------------------


def pages_to_write(settings, name, url, kwargs, paginated, template_name, holding=None):
    """[(output name, the page's own template values)] as Writer.write_file writes them;
    with `holding`, of a paginated list only the pages that list that object."""
    if name is False or not name:
        return []
    if paginated is None:
        paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
    if not (paginated and template_name in settings["PAGINATED_TEMPLATES"]):
        return [(name, dict(kwargs))]
    per_page = settings["PAGINATED_TEMPLATES"][template_name] or settings["DEFAULT_PAGINATION"]
    paginators = {key: paginator.Paginator(name, url, value, settings, per_page)
                  for key, value in paginated.items()}
    numbers = range(1, next(iter(paginators.values())).num_pages + 1)
    if holding is not None:
        # Paginator.page: the last page takes the orphans, so it is never past num_pages.
        numbers = sorted({min(index // per_page + 1, pages_of.num_pages)
                          for pages_of in paginators.values()
                          for index, item in enumerate(pages_of.object_list) if item is holding})
    pages = []
    for number in numbers:
        values = dict(kwargs)
        for key, pages_of in paginators.items():
            page = pages_of.page(number)
            values[f"{key}_paginator"] = pages_of
            values[f"{key}_page"] = page
            values[f"{key}_previous_page"] = pages_of.page(number - 1) if number > 1 else None
            values[f"{key}_next_page"] = pages_of.page(number + 1) if number < pages_of.num_pages else None
        pages.append((page.save_as, values))
    return pages


def shared_context(context):
    """The part of a page's template context that every page of `context` shares."""
    copy = context.copy()
    copy["localsiteurl"] = copy.get("localsiteurl", None)
    return copy


def page_values(name, kwargs, relative_urls):
    """The part of a page's template context that is its own."""
    values = {}
    if relative_urls:
        relative = path_to_url(get_relative_path(name))
        values["SITEURL"] = relative
        values["localsiteurl"] = relative
    values["output_file"] = name
    values.update(kwargs)
    return values


def render_page(template, local, context):
    """The page's HTML; like Pelican, tells the context the page's localsiteurl first
    (content objects adjust their links to it)."""
    if local["localsiteurl"]:
        context["localsiteurl"] = local["localsiteurl"]
    return template.render(local)


class WrittenOnce:
    """Pelican's rule: an output file is written once, unless one write overrides it
    (then the other writes are skipped)."""

    def __init__(self):
        self.written = set()
        self.overridden = set()

    def claim(self, path, override):
        """True: write it; False: skip it (an override wins); FileOverwriteFailedError: refused."""
        if path in self.overridden:
            if override:
                raise writers.FileOverwriteFailedError(
                    f'Failed to overwrite "{path}" a second time (was previously overwritten)')
            return False
        if path in self.written and not override:
            raise writers.FileOverwriteFailedError(
                f'Failed to overwrite "{path}" as Pelican has already written to it previously '
                "(set `override=True` if intended)")
        if override:
            self.overridden.add(path)
        self.written.add(path)
        return True

    def first(self, path):
        """True when `path` was not claimed before."""
        return path not in self.written
