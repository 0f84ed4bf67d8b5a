"""Comparing output trees: a failed build must leave `output/` exactly as it was."""

import shutil


def snapshot(root):
    """{relative path: bytes} of every file below `root` (empty when it does not exist)."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy_site(source, target):
    """A copy of a built fixture site's content and output to change and build again
    (not its caches: they belong to the folder they were written for)."""
    for part in ("content", "output"):
        shutil.copytree(source / part, target / part, symlinks=True)
    return target
