"""Build speed without giving up correctness: content read in parallel and
cached by content hash, pages rendered only when their inputs changed and
then in parallel. See reading.py, writer.py and fingerprint.py."""

from pelican import signals

from . import folders, lists, memory, reading, settings, urls


def register():
    signals.initialized.connect(settings.apply_defaults)
    signals.initialized.connect(folders.start)
    signals.generator_init.connect(reading.prefetch)
    signals.article_generator_finalized.connect(lists.index_term_lists)
    signals.all_generators_finalized.connect(urls.fix_urls)
    signals.all_generators_finalized.connect(memory.freeze)
    signals.get_writer.connect(settings.writer_class)
    signals.finalized.connect(settings.flush_writer)
