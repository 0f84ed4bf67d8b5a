"""Each content object computes its URL once.

Pelican computes `url`, `save_as` and `url_format` anew on every access
(format strings, path arithmetic): with thousands of list pages that is about
a quarter of the rendering time. Once every generator has finished
(`all_generators_finalized`) nothing changes a document's URL any more, so
each object is given a subclass of its own class whose three properties keep
their first value (pelican_door.memoise_urls). Pelican's code is untouched;
the objects stay instances of their classes (isinstance, class names,
templates all behave the same).
"""

from kit import pelican_door

DOCUMENT_LISTS = ("articles", "translations", "drafts", "drafts_translations", "hidden_articles",
                  "hidden_translations", "pages", "hidden_pages", "draft_pages")


def fix_urls(generators):
    """all_generators_finalized handler."""
    if not generators or not pelican_door.is_open():
        return
    context = generators[0].context
    documents = list(context.get("generated_content", {}).values())
    for generator in generators:
        for attr in DOCUMENT_LISTS:
            documents += getattr(generator, attr, None) or []
    for document in documents:
        pelican_door.memoise_urls(document)
