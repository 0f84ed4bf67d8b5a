"""Fingerprints: what a page's output depends on, hashed without rendering it.

A page is re-rendered only when its fingerprint changed. The fingerprint of a
page is the hash of
- the global fingerprint: all settings, the plugins' source code and the
  versions of Pelican, Jinja, Markdown and Babel;
- its template and every template it extends, includes or imports (source);
- the values of exactly the context names those templates mention (found with
  Jinja's own AST analysis), hashed deeply: a content object by its text,
  metadata, URL, the URLs its links resolve to, and what plugins attached to
  it (related documents, neighbours, FAQ back links …) one level deep.

Anything we cannot see through (an unknown object without attributes, a
dynamic include) makes the page "always render" instead of guessing.

PAGINATION: a list page depends on the items of its own page, the page
count and its position, not on the items of the other pages; so editing one
article re-renders one page of the index, not all of them. The rule for
templates that follows: list the items of `articles_page.object_list`; a
template that walks `articles_paginator.object_list` (every item) must use
`articles` or `dates` instead, which are hashed in full.
"""

import datetime as dt
import hashlib
import importlib.metadata
import os
import re
import sys

from jinja2 import TemplateNotFound, meta
from markupsafe import Markup
from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

from kit import pelican_door

ALWAYS = "always-render"
_MISSING = object()
# Attributes of content objects that are not data of the document itself (the raw
# HTML and the metadata are hashed on their own).
SKIPPED_ATTRIBUTES = pelican_door.CONTENT_INTERNALS | {"settings", "metadata"}
INTRASITE = re.compile(r"""\{(?:filename|static|attach)\}([^"'#?\s>]*)""")
VERSIONED = ("pelican", "jinja2", "markdown", "babel", "feedgenerator")


def _h(*parts):
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        digest.update(b"\x1f")
    return digest.hexdigest()


def _python_files(root, label):
    """(name for the hash, path) of every .py file of a package folder or a module file."""
    if os.path.isfile(root):
        yield label, root
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                yield os.path.join(label, os.path.relpath(path, root)), path


def _loaded_from(base):
    """Top-level packages and modules under `base` that this process imported
    (the libraries the plugins use: german, kit)."""
    prefix = os.path.join(base, "")
    names = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None) or ""
        if path.startswith(prefix):
            names.add(os.path.relpath(path, base).split(os.sep)[0])
    return names


def _source_files(plugin_paths, plugin_names):
    """The code that renders pages: the plugins named in PLUGINS and the libraries
    they import from PLUGIN_PATHS, and plugins installed elsewhere (pip) by module."""
    found = set()
    for base in plugin_paths:
        if plugin_names is None:
            yield from _python_files(base, "")
            continue
        for name in sorted(set(plugin_names) | _loaded_from(base)):
            for root in (os.path.join(base, name), os.path.join(base, name + ".py")):
                if os.path.exists(root):
                    found.add(name.removesuffix(".py"))
                    yield from _python_files(root, name)
    for name in sorted(plugin_names or ()):
        module = sys.modules.get(name) or sys.modules.get(f"pelican.plugins.{name}")
        path = getattr(module, "__file__", None)
        if name in found or not path:
            continue
        root = os.path.dirname(path) if os.path.basename(path) == "__init__.py" else path
        yield from _python_files(root, name)


def code_fingerprint(plugin_paths, plugin_names=None):
    """Hash of the source files of the loaded plugins (see _source_files) and the
    versions of the libraries that render pages."""
    digest = hashlib.blake2b(digest_size=16)
    for name in VERSIONED:
        try:
            digest.update(f"{name}={importlib.metadata.version(name)};".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    for rel, path in _source_files(plugin_paths, plugin_names):
        digest.update(rel.encode())
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def _combine(kind, labels, digests):
    """Hash of a container; opaque if any member is (so the page always renders)."""
    if ALWAYS in digests:
        return ALWAYS
    return _h(kind, *labels, *digests)


class Digester:
    """Deep, memoised hashing of template context values for one build."""

    def __init__(self, context=None, opaque_as_repr=False):
        self.opaque_as_repr = opaque_as_repr
        self._memo = {}
        self._keep = []  # keep memoised objects alive so ids stay unique
        self._context = context or {}

    def value(self, value):
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, (str, Markup)):
            # Markup prints as it is, a str is escaped (templates autoescape):
            # the same characters give different pages, so the kind is hashed too.
            kind = "m" if isinstance(value, Markup) else "s"
            return kind + _h(value) if len(value) > 64 else kind + repr(str(value))
        if isinstance(value, bytes):
            return "b" + _h(value)
        if isinstance(value, (dt.datetime, dt.date, dt.time)):
            return "t" + value.isoformat() + str(getattr(value, "tzinfo", ""))
        key = id(value)
        if key in self._memo:
            return self._memo[key]
        self._memo[key] = ALWAYS  # guards against cycles while computing
        result = self._compute(value)
        self._memo[key] = result
        self._keep.append(value)
        return result

    def _compute(self, value):
        if isinstance(value, Content):
            return self.content(value)
        if isinstance(value, URLWrapper):
            return _h("w", type(value).__name__, value.name, value.slug)
        if isinstance(value, Page):
            # A page of a list shows its own items and where the neighbours are;
            # not the items of the other pages (see PAGINATION below).
            return _combine("pg", [value.number, value.save_as, value.url, value.has_next(),
                                   value.has_previous(), self.value(value.paginator)],
                            [self.value(value.object_list)])
        if isinstance(value, Paginator):
            return _h("pn", value.num_pages, value.per_page, value.count, value.name, value.url)
        if isinstance(value, dict):
            items = sorted(value.items(), key=lambda i: repr(i[0]))
            return _combine("d", [repr(k) for k, _ in items], [self.value(v) for _, v in items])
        if isinstance(value, (list, tuple)):
            return _combine("l", [], [self.value(v) for v in value])
        if isinstance(value, (set, frozenset)):
            return _combine("set", [], sorted(self.value(v) for v in value))
        if callable(value) and hasattr(value, "__qualname__"):
            return _h("f", getattr(value, "__module__", ""), value.__qualname__)
        attributes = getattr(value, "__dict__", None)
        if attributes:
            return _combine("o", [type(value).__qualname__], [self.value(dict(attributes))])
        if self.opaque_as_repr:
            return _h("r", type(value).__qualname__, re.sub(r" at 0x[0-9a-f]+", "", repr(value)))
        return ALWAYS

    def reference(self, content):
        """A content object seen from another one: its own data, no attachments."""
        key = ("ref", id(content))
        if key not in self._memo:
            links = []
            generated = self._context.get("generated_content", {})
            raw = pelican_door.raw_content(content)
            for target in INTRASITE.findall(raw):
                name = target.lstrip("/")
                linked = generated.get(name) or self._context.get("static_content", {}).get(name)
                links.append(f"{target}→{getattr(linked, 'url', None)}")
            # url and save_as are functions of the settings (global fingerprint),
            # the metadata and the slug; hashing those is cheaper than asking Pelican.
            self._memo[key] = _h(
                "c", type(content).__name__, getattr(content, "relative_source_path", ""),
                raw, getattr(content, "slug", ""), getattr(content, "status", ""),
                getattr(content, "lang", ""), self._flat(content.metadata), *links,
            )
            self._keep.append(content)
        return self._memo[key]

    def _flat(self, value):
        """Digest without following content objects (for metadata and references)."""
        if isinstance(value, Content):
            return _h("cref", value.get_relative_source_path(), getattr(value, "url", ""))
        if isinstance(value, dict):
            return _h("d", *(f"{k!r}={self._flat(v)}" for k, v in sorted(value.items(), key=lambda i: repr(i[0]))))
        if isinstance(value, (list, tuple, set, frozenset)):
            items = [self._flat(v) for v in value]
            return _h("l", *(sorted(items) if isinstance(value, (set, frozenset)) else items))
        if isinstance(value, URLWrapper):
            return _h("w", type(value).__name__, value.name, value.slug)
        if value is None or isinstance(value, (bool, int, float, str, bytes, dt.date, dt.time)):
            return self.value(value)
        return _h("x", type(value).__qualname__, repr(value))

    def content(self, content):
        """Own data plus whatever plugins attached, with attached documents by reference.

        An attribute that is the very object of the metadata entry of the same
        name (title, date, tags …) is already in the reference digest.
        """
        parts = [self.reference(content)]
        metadata = content.metadata
        for name, value in sorted(vars(content).items()):
            if (name in SKIPPED_ATTRIBUTES or name.startswith(pelican_door.MEMO_PREFIX)
                    or metadata.get(name, _MISSING) is value):
                continue
            parts.append(f"{name}={self._attached(value)}")
        return _h(*parts)

    def _attached(self, value):
        if isinstance(value, Content):
            return self.reference(value)
        if isinstance(value, (list, tuple)):
            return _h("l", *(self._attached(v) for v in value))
        if isinstance(value, dict):
            return _h("d", *(f"{k!r}={self._attached(v)}" for k, v in sorted(value.items(), key=lambda i: repr(i[0]))))
        return self._flat(value)


class TemplateAnalyzer:
    """Which context names a template (with everything it pulls in) mentions."""

    def __init__(self):
        self._cache = {}

    def analyse(self, template):
        key = (id(template.environment), template.name)
        if key not in self._cache:
            self._cache[key] = self._analyse(template.environment, template.name)
        return self._cache[key]

    def _analyse(self, env, name):
        names, sources, seen, queue = set(), [], set(), [name]
        while queue:
            current = queue.pop()
            if current in seen:
                continue
            seen.add(current)
            try:
                source, _, _ = env.loader.get_source(env, current)
            except TemplateNotFound:
                # only reachable through `include … ignore missing`: rendering
                # would fail otherwise; if it appears later, the hash changes
                sources.append(f"{current}\n<missing>")
                continue
            sources.append(f"{current}\n{source}")
            undeclared, referenced = _parsed(env, source)
            names |= undeclared
            for ref in referenced:
                if ref is None:
                    return None, ALWAYS
                queue.append(ref)
        return frozenset(names), _h(*sorted(sources))


_PARSED = {}


def _parsed(env, source):
    """Names and templates a source mentions; parsed once per distinct source
    (every generator has a Jinja environment of its own, base.html is in all)."""
    key = _h(source)
    if key not in _PARSED:
        ast = env.parse(source)
        _PARSED[key] = (frozenset(meta.find_undeclared_variables(ast)),
                        tuple(meta.find_referenced_templates(ast)))
    return _PARSED[key]
