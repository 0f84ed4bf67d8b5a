"""Only files inside the content folder are published.

Pelican follows symbolic links when it looks for files, and copies whatever
a `{static}` link names, so `content/bilder/x.png -> /etc/passwd`, a linked
folder or `{static}/../../etc/hostname` would put files from elsewhere on the
machine into `output/`. Here every such file is an error that names it and
what was expected, and it is taken out of the static files before anything
is copied. Links that stay inside the content folder are fine, unless they
lead back into a folder they are in: Pelican would walk such a loop again and
again (`content/artikel/schleife -> .` gives every article forty times, at
ever longer paths), so a loop is one error, and the walk never enters it.
"""

import glob
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


def _loops(root):
    """(link path, folder it leads back to) of every symbolic link below `root`
    that makes a walk which follows links (as Pelican's does) go round in a circle.

    The walk follows links itself, keeping the real folders on its way down; a
    link to one of them closes a circle. Each real folder is walked once."""
    real_root = os.path.realpath(root)
    seen = set()
    found = {}

    def walk(folder, real_folder, way):
        seen.add(real_folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            return  # an unreadable folder is reported where it is read
        for entry in entries:
            try:
                if not entry.is_dir(follow_symlinks=True):
                    continue
            except OSError:
                continue
            real = os.path.realpath(entry.path)
            if entry.is_symlink():
                if real in way:
                    # The link where it lies (not on the way to it), named below `root`.
                    where = os.path.join(root, os.path.relpath(os.path.join(real_folder, entry.name), real_root))
                    found.setdefault(os.path.normpath(where), os.path.join(root, os.path.relpath(real, real_root)))
                    continue
                if not _inside(real, real_root):
                    continue  # reported by refuse_links_outside_content
            if real not in seen:
                walk(entry.path, real, way | {real})

    walk(root, real_root, frozenset({real_root}))
    return sorted(found.items())


def refuse_link_loops(pelican):
    """initialized: a symbolic link that leads back into a folder it is in is an
    error, and its name joins IGNORE_FILES, so no walk of this build enters it
    (the build fails anyway; the name may stand for other files only in it)."""
    settings = pelican.settings
    ignored = list(settings.get("IGNORE_FILES") or [])
    for path, target in _loops(settings["PATH"]):
        own = os.path.normpath(target) == os.path.dirname(path)
        which = "its own folder" if own else f"the folder {display_path(target, settings)}, which holds it"
        report(logger, display_path(path, settings), "symbolic link",
               f"leads back into {which}, so the content would repeat without end; expected a link "
               "to a file, or to a folder that does not hold the link (or no link: move the files)")
        pattern = glob.escape(os.path.basename(path))
        if pattern not in ignored:
            ignored.append(pattern)
    settings["IGNORE_FILES"] = ignored


def refuse_links_outside_content(generators):
    """all_generators_finalized: a symbolic link in content/ that leads out of it is an error."""
    if not generators:
        return
    settings = generators[0].settings
    for path, target in _links_leading_out(settings["PATH"]):
        kind = "folder" if os.path.isdir(path) else "file"
        report(logger, display_path(path, settings), "symbolic link",
               f"leads to the {kind} {target} outside content/; {EXPECTED}")
