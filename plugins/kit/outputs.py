"""Which source wrote which output address in this build.

Every file of a build is written once. Two sources on one address (two
articles with one slug, a page named like the status page, a tag named like
the topic report) would silently replace one page by another; instead the
second claim is refused and the caller reports both sources.

A build starts a register for its output folder (`begin`); the writers
(Pelican's `content_written`, the speed plugin's writer) and every file written
through `write_*` here claim their address. Without a register (tests of one
plugin, commands outside a build) claims are not tracked.
"""

import contextlib
import os

from . import atomic
from .problems import display_path

_registers = {}  # absolute output folder → {relative path: source}


def begin(output):
    _registers[os.path.abspath(output)] = {}


def end(output):
    _registers.pop(os.path.abspath(output), None)


def _split(path, output=None):
    """(register, relative path) for an absolute path inside a registered output."""
    path = os.path.abspath(path)
    roots = [os.path.abspath(output)] if output else list(_registers)
    for root in roots:
        register = _registers.get(root)
        if register is not None and path.startswith(root + os.sep):
            return register, path[len(root) + 1:].replace(os.sep, "/")
    return None, None


def root_of(path):
    """The registered output folder that holds `path`, or None."""
    path = os.path.abspath(path)
    for root in _registers:
        if path.startswith(root + os.sep):
            return root
    return None


def claim(path, source, output=None):
    """Record that `source` writes `path`; the other source's name if it is taken, else None."""
    register, rel = _split(path, output)
    if register is None:
        return None
    known = register.setdefault(rel, source)
    return None if known == source else known


def owner(path, output=None):
    register, rel = _split(path, output)
    return register.get(rel) if register is not None else None


def collision_message(rel, first, second):
    return (f"{first}: address /{rel}: also written for {second}; expected each address once "
            "(give one of them another Slug or title)")


class AddressTaken(OSError):
    """A file would replace one that another source wrote in this build."""

    editor_error = True

    def __init__(self, rel, first, second):
        self.rel, self.first, self.second = rel, first, second
        super().__init__(collision_message(rel, first, second))


def reserve(path, source):
    """Claim `path` for `source`, or raise AddressTaken naming the other source
    (for a file that is not written through this module, e.g. a hard link)."""
    other = claim(path, source)
    if other is not None:
        _register, rel = _split(path)
        raise AddressTaken(rel, other, source)


def write_bytes(path, data, source):
    """kit.atomic.write_bytes for a file of the build, claimed for `source`."""
    reserve(path, source)
    atomic.write_bytes(path, data)


def write_text(path, text, source):
    reserve(path, source)
    atomic.write_text(path, text)


@contextlib.contextmanager
def replacing(path, source, mode="wb", **options):
    """kit.atomic.replacing for a file of the build written piece by piece, claimed for `source`."""
    reserve(path, source)
    with atomic.replacing(path, mode, **options) as handle:
        yield handle


def describe(context):
    """The source of a rendered page, from its template context, in editor's words."""
    for key in ("article", "page", "faq_entry", "notice", "entry"):
        document = context.get(key)
        path = getattr(document, "source_path", None)
        if path:
            settings = getattr(document, "settings", None) or {}
            return display_path(path, settings) if settings.get("PATH") else path
    for key, label in (("tag", "topic"), ("category", "category"), ("author", "author")):
        wrapper = context.get(key)
        if wrapper is not None and hasattr(wrapper, "name"):
            return f"{label} '{wrapper.name}'"
    template = context.get("page_name") or context.get("template_name")
    return f"page '{template}'" if template else "a generated page"
