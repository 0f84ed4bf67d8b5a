"""The FAQ generator: reads content/faq/, links entries with articles, writes pages and feed.

FAQ entries are neither articles nor pages, so they get their own generator
(returned from `get_generators`): they never appear in article lists, article
feeds or the archive. Pelican runs it after the articles generator, so the
`Related` slugs can be checked against the published articles right away.
"""

import logging
import os
import re

from pelican.generators import Generator

from kit.problems import EditorInputError, Problem, display_path, log_problems, report

from . import feed, jsonld
from .model import FaqEntry, check_file, check_metadata, german_sort_key
from .scaffold import BODY_PLACEHOLDER, SUMMARY_PLACEHOLDER

logger = logging.getLogger(__name__)


def get_generators(pelican):
    return FaqGenerator


class FaqReader:
    """One of Pelican's readers, plus the FAQ metadata rules.

    The rules run on exactly what the file declares (before Pelican merges in
    defaults such as DEFAULT_CATEGORY), so every mistake is reported, each on
    its own line. Everything else (Markdown extensions, the editorial checks of
    dates) is the wrapped reader's.
    """

    def __init__(self, inner, settings):
        self._inner = inner
        self._settings = settings

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def read(self, source_path):
        content, metadata = self._inner.read(source_path)
        problems = check_metadata(metadata, self._settings) + check_file(source_path, metadata, content)
        where = display_path(source_path, self._settings)
        if problems:
            raise EditorInputError([Problem(where, field, expected) for field, expected in problems])
        # Example sentences of `invoke new-faq` left in place: a warning, so that
        # `invoke check` and `invoke preview` (CI) refuse to publish them.
        if SUMMARY_PLACEHOLDER in re.sub(r"<[^>]+>", "", str(metadata.get("summary", ""))):
            report(logger, where, "Summary", "still the example sentence from new-faq; "
                   "expected the short answer in one sentence of your own", level=logging.WARNING)
        if BODY_PLACEHOLDER in content:
            report(logger, where, "text", "still the example text from new-faq; expected your own answer",
                   level=logging.WARNING)
        return content, metadata


class FaqGenerator(Generator):
    """Reads FAQ entries; writes /faq/, /faq/<slug>/ and the FAQ feed."""

    def __init__(self, *args, **kwargs):
        self.entries = []  # published, in display order
        self.hidden_entries = []
        self.draft_slugs = set()
        self.failed = False
        super().__init__(*args, **kwargs)
        for ext, reader in list(self.readers.readers.items()):
            self.readers.readers[ext] = FaqReader(reader, self.settings)

    # -- reading -------------------------------------------------------------

    def generate_context(self):
        folder = self.settings["FAQ_PATH"]
        if not os.path.isdir(os.path.join(self.path, folder)):
            return  # a site without FAQ: no nav entry, no /faq/, no feed
        entries = []
        for path in sorted(self.get_files([folder], exclude=self.settings["FAQ_EXCLUDES"])):
            entry = self._read(path)
            if entry is None:
                continue
            self.add_source_path(entry)
            self.add_static_links(entry)
            if entry.status == "published":
                entries.append(entry)
            elif entry.status == "hidden":
                self.hidden_entries.append(entry)
            else:
                self.draft_slugs.add(entry.slug)
        self.entries = sorted(entries, key=self._display_key)
        self._link_related(self.entries + self.hidden_entries)
        if self.entries:
            self.context["faq_entries"] = self.entries
            # A cheap flag for the menu: pages must not depend on every entry.
            self.context["faq_published"] = True

    def _read(self, path):
        """The entry, or None after logging one line per problem in the file."""
        where = display_path(os.path.join(self.path, path), self.settings)
        problems = []
        entry = None
        try:
            entry = self.readers.read_file(
                base_path=self.path, path=path, content_class=FaqEntry, context=self.context,
            )
        except EditorInputError as exc:  # the FAQ rules, or the editorial reader's (Date: …)
            problems = exc.problems
        except Exception as exc:  # noqa: BLE001 - reported to the editor below, without a traceback
            problems = [Problem(where, "file", f"could not be read ({exc}); expected a Markdown file "
                                               "with 'Key: value' lines at the top")]
        # Logged outside the except block: the build runner would otherwise take the
        # exception's combined message for each line.
        log_problems(logger, problems)
        if entry is not None and entry.is_valid():
            return entry
        self.failed = True
        self._add_failed_source_path(path)
        return None

    def _category_rank(self, name):
        order = [german_sort_key(c) for c in self.settings["FAQ_CATEGORY_ORDER"]]
        key = german_sort_key(name)
        return (order.index(key) if key in order else len(order), key)

    def _display_key(self, entry):
        return (self._category_rank(entry.category.name), entry.order_key)

    def _link_related(self, entries):
        """Resolve `Related` slugs; set the links both ways (FAQ ↔ FAQ, FAQ → article → FAQ)."""
        context = self.context
        articles = {a.slug: a for a in (context.get("articles") or []) + (context.get("hidden_articles") or [])}
        unpublished = {a.slug for a in context.get("drafts") or []} | self.draft_slugs
        questions = {e.slug: e for e in entries}
        for entry in entries:
            where = display_path(entry.source_path, self.settings)
            for kind, slug in entry.metadata["related"]:
                in_faq = questions.get(slug) if kind in (None, "faq") else None
                in_articles = articles.get(slug) if kind in (None, "artikel") else None
                if in_faq is entry:
                    self._related_error(where, f"'{slug}' is this question itself; expected other "
                                               "articles or questions")
                elif in_faq and in_articles:
                    self._related_error(where, f"'{slug}' is both an article and a question; expected "
                                               f"'artikel/{slug}' or 'faq/{slug}'")
                elif in_faq:
                    _append_once(entry.related_questions, in_faq)
                    if entry.status == "published":
                        _append_once(in_faq.related_questions, entry)
                elif in_articles:
                    _append_once(entry.related_articles, in_articles)
                    if entry.status == "published":
                        backlinks = getattr(in_articles, "faq_backlinks", None) or []
                        _append_once(backlinks, entry)
                        in_articles.faq_backlinks = backlinks
                elif slug in unpublished:
                    report(logger, where, "Related", f"'{slug}' is not published yet (draft or scheduled); "
                           "the link appears once it is", level=logging.WARNING)
                else:
                    self._related_error(
                        where, f"no article or question with the address '{slug}'; expected the slug "
                               "of a published article (as in /artikel/<slug>/) or of a question (the "
                               "file name in content/faq/ without .md)",
                    )
        for article in articles.values():
            if getattr(article, "faq_backlinks", None):
                article.faq_backlinks.sort(key=self._display_key)

    def _related_error(self, where, expected):
        report(logger, where, "Related", expected)
        self.failed = True

    def checked_documents(self):
        """For the editorial checks ({filename} links, alt texts) of all documents."""
        return self.entries + self.hidden_entries

    def categories(self):
        """[(name, anchor, entries)] in display order, for /faq/."""
        groups = []
        for entry in self.entries:
            name = entry.category.name
            if not groups or groups[-1][0] != name:
                groups.append((name, "kategorie-" + entry.category.slug, []))
            groups[-1][2].append(entry)
        return groups

    # -- writing -------------------------------------------------------------

    def generate_output(self, writer):
        if self.failed or not (self.entries or self.hidden_entries):
            return
        relative = self.settings["RELATIVE_URLS"]
        for entry in self.entries + self.hidden_entries:
            writer.write_file(
                entry.save_as, self.get_template(entry.template), self.context, faq_entry=entry,
                page_name="faq_entry", relative_urls=relative, url=entry.url,
                override_output=hasattr(entry, "override_save_as"),
            )
        if not self.entries:
            return
        index_url = self.settings["FAQ_INDEX_URL"]
        writer.write_file(
            self.settings["FAQ_INDEX_SAVE_AS"], self.get_template("faq_index"), self.context,
            faq_categories=self.categories(), faq_jsonld=jsonld.faq_page(self.entries, self.settings),
            page_name="faq", relative_urls=relative, url=index_url,
        )
        if self.settings["FAQ_FEED_ATOM"]:
            feed.write_atom(self.entries, self.settings, self.output_path)


def _append_once(items, item):
    if all(existing is not item for existing in items):
        items.append(item)

