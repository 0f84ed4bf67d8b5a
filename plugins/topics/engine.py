"""One tagging engine per taxonomy: analysis by content hash, then the decision.

The expensive part (reading the text) depends only on the taxonomy and the
text, so it is cached by a hash of both; editor controls (Tags, Topics: off,
Topics-Exclude) are applied afterwards and cost nothing. The cache lives in
memory during a build and in CACHE_PATH between builds (see cache.py).
"""

import hashlib

from . import match, text

DEFAULT_MAX_AUTO = 5


class Engine:
    def __init__(self, taxonomy, place_weights=None, max_auto=DEFAULT_MAX_AUTO):
        self.taxonomy = taxonomy
        self.place_weights = dict(match.PLACE_WEIGHTS, **(place_weights or {}))
        self._matcher = None
        self.max_auto = max_auto
        self.fingerprint = hashlib.sha256(
            repr((match.ENGINE_VERSION, taxonomy.fingerprint,
                  sorted(self.place_weights.items()), max_auto)).encode("utf-8")
        ).hexdigest()[:16]
        self.memory = {}  # content key → analysis
        self.loaded_keys = set()  # what the disk cache held when the build started
        self.used = set()  # keys looked up in this build (what the disk cache keeps)

    @property
    def matcher(self):
        """Compiled on first use: a rebuild served from the cache never loads simplemma."""
        if self._matcher is None:
            self._matcher = match.Matcher(self.taxonomy, self.place_weights)
        return self._matcher

    def key(self, title, summary_html, content_html):
        digest = hashlib.blake2b(digest_size=16)
        for part in (self.fingerprint, title or "", summary_html or "", content_html or ""):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "little"))
            digest.update(data)
        return digest.hexdigest()

    def analyze(self, title, summary_html, content_html):
        """(key, analysis) for a document's text, from the cache when possible."""
        key = self.key(title, summary_html, content_html)
        self.used.add(key)
        analysis = self.memory.get(key)
        if analysis is None:
            places = text.places_from_html(title, summary_html, content_html)
            analysis = self.matcher.analyze(places)
            self.memory[key] = analysis
        return key, analysis

    def decide(self, analysis, exclude=(), present=()):
        return match.decide(analysis, self.taxonomy, self.max_auto, exclude, present)
