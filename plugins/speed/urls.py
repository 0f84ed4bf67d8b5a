"""Each content object computes its URL once.

Pelican computes `url`, `save_as` and `url_format` anew on every access
(format strings, path arithmetic): with thousands of list pages that is about
a quarter of the rendering time. Once every generator has finished
(`all_generators_finalized`) nothing changes a document's URL any more, so
each object is given a subclass of its own class whose three properties keep
their first value. Pelican's code is untouched; the objects stay instances of
their classes (isinstance, class names, templates all behave the same).
"""

import inspect

MEMOISED = ("url", "save_as", "url_format")
PREFIX = "_speed_"
_subclasses = {}


def _memoising(name, original):
    key = PREFIX + name

    def get(self):
        cache = self.__dict__
        if key not in cache:
            cache[key] = original.__get__(self, type(self))
        return cache[key]

    return property(get, doc=original.__doc__)


def memoising_class(cls):
    sub = _subclasses.get(cls)
    if sub is None:
        namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__, "__doc__": cls.__doc__}
        for name in MEMOISED:
            original = inspect.getattr_static(cls, name, None)
            if isinstance(original, property):
                namespace[name] = _memoising(name, original)
        sub = _subclasses[cls] = type(cls.__name__, (cls,), namespace)
    return sub


def fix_urls(generators):
    """all_generators_finalized handler."""
    if not generators:
        return
    seen = set()
    context = generators[0].context
    documents = list(context.get("generated_content", {}).values())
    for generator in generators:
        for attr in ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                     "hidden_translations", "pages", "hidden_pages", "draft_pages"):
            documents += getattr(generator, attr, None) or []
    for document in documents:
        if id(document) in seen or type(document) in _subclasses.values():
            continue
        seen.add(id(document))
        document.__class__ = memoising_class(type(document))
