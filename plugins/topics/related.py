""""Verwandte Beiträge": the documents that share the most topic weight.

Computed once for the whole site from the documents' topics, never by comparing
texts. Every topic of a document weighs 1, or 2 when an editor chose it or the
matcher found it at twice its threshold; two documents share the sum of the
smaller weight per common topic. Ties go to the newer document.

Comparing every pair is quadratic (16 million pairs at 4,000 articles). Instead
each topic holds a bitset of the documents that have it (Python ints), and the
shared weight of one document with all others is summed in bit-sliced counters:
a few dozen big-integer operations per document: about 0.06 s for 4,000
documents, but the work grows with the square of their number (0.45 s for
16,000). The result depends on nothing but the weights, so `cached()` keeps
the last one by a hash of them: a rebuild that did not change any document's
topics (nothing changed, or an edit that kept them) skips the computation.
"""

import hashlib
import os

from . import cache


def _add(planes, bits):
    """Add a 0/1 vector (bitset) to the bit-sliced counters `planes` (LSB first)."""
    carry = bits
    for i, plane in enumerate(planes):
        planes[i] = plane ^ carry
        carry = plane & carry
        if not carry:
            return
    if carry:
        planes.append(carry)


def _equal(planes, value, universe):
    """Bitset of the documents whose counter equals `value`."""
    if value >> len(planes):
        return 0
    mask = universe
    for i, plane in enumerate(planes):
        mask &= plane if (value >> i) & 1 else ~plane
        if not mask:
            break
    return mask


def related(ranked, weights, limit=5):
    """For each document in `ranked` (best first), up to `limit` related ones.

    `weights[i]` is {topic slug: 1 or 2} for ranked[i]. Returns a list of lists of
    indices into `ranked`, deterministic for the same input.
    """
    count = len(ranked)
    universe = (1 << count) - 1
    index = {}
    for i, topics in enumerate(weights):
        bit = 1 << i
        for slug, weight in topics.items():
            entry = index.get(slug)
            if entry is None:
                entry = index[slug] = [0, 0]
            entry[0] |= bit
            if weight >= 2:
                entry[1] |= bit
    result = []
    for i, topics in enumerate(weights):
        if not topics or limit <= 0:
            result.append([])
            continue
        planes = []
        for slug in sorted(topics):
            entry = index[slug]
            _add(planes, entry[0])
            if topics[slug] >= 2:
                _add(planes, entry[1])
        others = universe & ~(1 << i)
        chosen = []
        for value in range(sum(topics.values()), 0, -1):
            mask = _equal(planes, value, others)
            while mask and len(chosen) < limit:
                low = mask & -mask
                chosen.append(low.bit_length() - 1)
                mask ^= low
            if len(chosen) >= limit:
                break
        result.append(chosen)
    return result


CACHE_FILE = "related.cbor"


def cached(weights, limit, directory):
    """related(range(n), weights, limit), from `directory` when the weights are the same.

    The key hashes the weights in order (their order is the ranking); a file
    that cannot be read or does not fit is simply computed afresh.
    """
    if directory is None:
        return related(range(len(weights)), weights, limit)
    digest = hashlib.blake2b(repr((limit, [sorted(w.items()) for w in weights])).encode("utf-8"),
                             digest_size=16).hexdigest()
    path = os.path.join(directory, CACHE_FILE)
    data = cache.read(path, "related", key=digest)
    count = len(weights)
    if data is not None:
        result = data.get("result")
        if isinstance(result, list) and len(result) == count and all(
                isinstance(chosen, list) and all(type(j) is int and 0 <= j < count for j in chosen)
                for chosen in result):
            return result
        cache.discard(path, "related", "damaged entries")
    result = related(range(len(weights)), weights, limit)
    cache.write(path, {"format": cache.FORMAT, "kind": "related", "key": digest, "result": result}, key=digest)
    return result
