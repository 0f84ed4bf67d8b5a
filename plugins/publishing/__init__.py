"""Publishing safety: only what is inside content/ is published, and every
address is written for one source only (see confine.py and addresses.py)."""

from pelican import signals

from . import addresses, confine


def register():
    signals.initialized.connect(confine.refuse_link_loops)
    signals.static_generator_finalized.connect(confine.drop_static_files_outside_content)
    signals.all_generators_finalized.connect(confine.refuse_links_outside_content)
    signals.all_generators_finalized.connect(addresses.claim_document_addresses)
    signals.content_written.connect(addresses.claim_written_page)
