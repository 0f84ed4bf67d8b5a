"""The readable evidence report /themen/bericht/, in pages, and its generator.

The generator also writes themen/bericht.json when the build could not write
it earlier (see assign.State.finish_outputs). Which pages exist and what each
one shows is worked out here; the entries themselves come from report.py.
"""

import hashlib
import logging
import os

from pelican.generators import Generator

from .assign import get_state
from .engine import code_fingerprint
from .report import JsonWriter
from .settings import enabled, report_page_enabled

logger = logging.getLogger(__name__)


class ReportPage:
    """One page of /themen/bericht/: the entries of documents [start, stop).

    Like Report, its only attribute is a fingerprint, of exactly what the page
    shows: the heads of its own documents, the taxonomy, its position, and on
    the first page the overview table. So editing one text re-renders the page
    that lists it (and the first page when a topic count changed), not 4,000
    entries with their evidence.
    """

    __slots__ = ("__dict__", "_report", "_start", "_stop", "count", "number", "urls")

    def __init__(self, report, number, count, start, stop, urls, taxonomy_fingerprint):
        self._report, self._start, self._stop = report, start, stop
        self.number, self.count, self.urls = number, count, urls
        overview = [sorted(t.items()) for t in report.taxonomy] if number == 1 else None
        digest = hashlib.blake2b(digest_size=16)
        digest.update(repr((code_fingerprint(), taxonomy_fingerprint, number, count, start, stop,
                            urls, overview)).encode("utf-8"))
        for fingerprint in report.head_fingerprints[start:stop]:
            digest.update(fingerprint.encode("ascii"))
        self.fingerprint = digest.hexdigest()

    @property
    def documents(self):
        return [self._report.entry(i) for i in range(self._start, self._stop)]

    @property
    def taxonomy(self):
        return self._report.taxonomy

    @property
    def first(self):
        """Position of the page's first document, counted from 1."""
        return self._start + 1

    @property
    def last(self):
        return self._stop

    @property
    def url(self):
        return self.urls[self.number - 1]

    def __getitem__(self, name):
        if name not in ("documents", "taxonomy"):
            raise KeyError(name)
        return getattr(self, name)


def report_pages(report, settings, taxonomy_fingerprint):
    """[(save_as, ReportPage)] for the readable report."""
    per_page = max(1, int(settings["TOPICS_REPORT_PER_PAGE"]))
    total = len(report.head_fingerprints)
    count = max(1, -(-total // per_page))
    urls = [settings["TOPICS_REPORT_URL"]] + [
        settings["TOPICS_REPORT_PAGE_URL"].format(number=n) for n in range(2, count + 1)]
    saves = [settings["TOPICS_REPORT_SAVE_AS"]] + [
        settings["TOPICS_REPORT_PAGE_SAVE_AS"].format(number=n) for n in range(2, count + 1)]
    return [(saves[n - 1], ReportPage(report, n, count, (n - 1) * per_page, min(total, n * per_page),
                                      tuple(urls), taxonomy_fingerprint))
            for n in range(1, count + 1)]


class TopicsReportGenerator(Generator):
    """Writes themen/bericht.json and, outside production, /themen/bericht/ (in pages)."""

    def generate_context(self):
        pass

    def generate_output(self, writer):
        state = get_state(self.settings)
        if state.report is None:
            return
        json_path = self.settings["TOPICS_REPORT_JSON_SAVE_AS"]
        if json_path and not state.json_written:  # usually written at all_generators_finalized
            JsonWriter(state.report, self.settings, os.path.join(self.output_path, json_path),
                       json_path).run()
        if not report_page_enabled(self.settings):
            return
        try:
            template = self.get_template("topics_report")
        except Exception:  # noqa: BLE001 - Pelican raises its own PelicanTemplateNotFound
            logger.warning("theme: topics_report.html: missing; expected the template of the "
                           "page /themen/bericht/ (plugins/topics)")
            return
        for save_as, page in report_pages(state.report, self.settings, state.taxonomy.fingerprint):
            writer.write_file(
                save_as,
                template,
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                url=page.url,
                topics_report=page,
                page_name="topics_report",
                template_name="topics_report",
            )


def get_generators(pelican):
    return TopicsReportGenerator if enabled(pelican.settings) else None

