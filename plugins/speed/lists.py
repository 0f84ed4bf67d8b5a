"""Membership tests on Pelican's per-tag, per-category and per-author lists
in constant time.

When Pelican writes a tag, category or author page it keeps the site's date
order with `[a for a in dates if a in articles]`: for every term, every
article is looked up in that term's list, which is quadratic in the number of
articles (at 16,000 articles it costs seconds). The lists are replaced by a
list subclass whose `in` uses a set of object ids; content objects compare by
identity, so the answers are the same, and everything else stays a list.
"""

from kit import pelican_door


class IdentityList(list):
    """A list whose `in` is O(1) for content objects (they compare by identity)."""

    __slots__ = ("_ids",)

    def __init__(self, items=()):
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item):
        return id(item) in self._ids

    def append(self, item):
        super().append(item)
        self._ids.add(id(item))

    def extend(self, items):
        items = list(items)
        super().extend(items)
        self._ids.update(id(item) for item in items)

    def __iadd__(self, items):
        self.extend(items)
        return self

    def _reindex(self):
        self._ids = {id(item) for item in self}

    # Anything that can take an item out rebuilds the index (rare, O(n)).
    def remove(self, item):
        super().remove(item)
        self._reindex()

    def pop(self, *args):
        item = super().pop(*args)
        self._reindex()
        return item

    def insert(self, index, item):
        super().insert(index, item)
        self._ids.add(id(item))

    def clear(self):
        super().clear()
        self._ids = set()

    def __setitem__(self, index, value):
        super().__setitem__(index, value)
        self._reindex()

    def __delitem__(self, index):
        super().__delitem__(index)
        self._reindex()


def index_term_lists(generator):
    """article_generator_finalized handler."""
    if not pelican_door.is_open():
        return
    for tag, articles in list(generator.tags.items()):
        generator.tags[tag] = IdentityList(articles)
    # in place: the shared context holds these very lists
    generator.categories[:] = [(term, IdentityList(articles)) for term, articles in generator.categories]
    generator.authors[:] = [(term, IdentityList(articles)) for term, articles in generator.authors]
