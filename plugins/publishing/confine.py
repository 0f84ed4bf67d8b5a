"""Only files inside the content folder are published.

Pelican follows symbolic links when it looks for files, and copies whatever
a `{static}` link names, so `content/bilder/x.png -> /etc/passwd`, a linked
folder or `{static}/../../etc/hostname` would put files from elsewhere on the
machine into `output/`. Here every such file is an error that names it and
what was expected, and it is taken out of the static files before anything
is copied. Links that stay inside the content folder are fine.
"""

import logging
import os

from kit.problems import display_path, report

logger = logging.getLogger(__name__)

EXPECTED = "expected a file inside content/ (copy the file there instead of linking to it)"


def _inside(path, root):
    return path == root or path.startswith(root + os.sep)


def _content_root(settings):
    return os.path.realpath(settings["PATH"])


def drop_static_files_outside_content(generator):
    """static_generator_finalized: no static file from outside the content folder.

    Such a file comes either through a symbolic link in content/ or through a
    `{static}`/`{attach}` link that leaves it; both are reported as errors
    where they are found (refuse_links_outside_content, the editorial link
    check). Here the file is only kept from being copied, whatever happens.
    """
    root = _content_root(generator.settings)
    kept = []
    for static in generator.staticfiles:
        if _inside(os.path.realpath(static.source_path), root):
            kept.append(static)
        else:
            logger.debug("publishing: %s lies outside content/; not copied", static.source_path)
    if len(kept) != len(generator.staticfiles):
        generator.staticfiles = kept
        generator.context["staticfiles"] = kept


def _links_leading_out(root):
    """(link path, where it leads) of every symbolic link below `root` that leaves it."""
    real_root = os.path.realpath(root)
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = os.path.join(folder, name)
            if os.path.islink(path):
                target = os.path.realpath(path)
                if not _inside(target, real_root):
                    yield path, target
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))


def refuse_links_outside_content(generators):
    """all_generators_finalized: a symbolic link in content/ that leads out of it is an error."""
    if not generators:
        return
    settings = generators[0].settings
    for path, target in _links_leading_out(settings["PATH"]):
        kind = "folder" if os.path.isdir(path) else "file"
        report(logger, display_path(path, settings), "symbolic link",
               f"leads to the {kind} {target} outside content/; {EXPECTED}")
