"""Make Pagefind's output byte-for-byte reproducible.

Pagefind 1.5 writes its filter indexes from a Rust HashMap, so the order of
the values in each `filter/*.pf_filter` file (and therefore the file names,
the `pf_meta` file that lists them and `pagefind-entry.json`) changes from run
to run; upstream says so (Pagefind/pagefind#638: fragments are stable since
1.3, "other files will still change, such as the filter/metadata indexes").
Two builds of the same site must give the same files, so before the bundle
is written we put every filter file into one canonical order and name files
after a hash of their content. Only the order changes, never what the files
say: Pagefind's browser code looks values up by name.

The files are gzip(b"pagefind_dcd" + CBOR); cbor2 reads and writes them.
"""

import gzip
import hashlib
import io
import json

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
FILTERS = 3  # position of the filter list in a pf_meta file


def _decode(data, name):
    data = gzip.decompress(data)
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{name}: not a Pagefind data file")
    return cbor2.loads(data[len(SIGNATURE):])


def _encode(value):
    buffer = io.BytesIO()
    # mtime=0 and no file name: the gzip header is the same on every run
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(SIGNATURE + cbor2.dumps(value))
    return buffer.getvalue()


def _name(language, data, length):
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def page_count(files):
    """How many pages the bundle {relative path: bytes} holds, over all languages."""
    entry = json.loads(files[ENTRY])
    return sum(info.get("page_count", 0) for info in entry.get("languages", {}).values())


def canonical(files):
    """The bundle {relative path: bytes} with the filter indexes of every
    language in one canonical order, named after their content."""
    files = dict(files)
    entry = json.loads(files[ENTRY])
    for language, info in sorted(entry.get("languages", {}).items()):
        meta_name = f"pagefind.{info['hash']}.pf_meta"
        meta = _decode(files.pop(meta_name), meta_name)
        if not (isinstance(meta, list) and len(meta) > FILTERS and all(
                isinstance(f, list) and len(f) == 2 for f in meta[FILTERS])):
            raise ValueError(f"{meta_name}: not the Pagefind 1.5 layout this step knows")
        # meta: [version, pages, index chunks, [[filter name, file hash], ...], sorts, meta fields]
        filters = sorted(meta[FILTERS], key=lambda f: f[0])
        decoded = [(filter_name, files.pop(f"filter/{file_hash}.pf_filter"))
                   for filter_name, file_hash in filters]
        renamed = []
        for filter_name, data in decoded:
            name, values = _decode(data, filter_name)
            data = _encode([name, sorted(values, key=lambda value: value[0])])
            new_hash = _name(language, data, 7)
            files[f"filter/{new_hash}.pf_filter"] = data
            renamed.append([filter_name, new_hash])
        meta[FILTERS] = renamed
        data = _encode(meta)
        new_meta_hash = _name(language, data, 10)
        files[f"pagefind.{new_meta_hash}.pf_meta"] = data
        info["hash"] = new_meta_hash
    files[ENTRY] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return files
