"""Make Pagefind's output byte-for-byte reproducible.

Pagefind 1.5 writes its filter indexes from a Rust HashMap, so the order of
the values in each `filter/*.pf_filter` file (and therefore the file names,
the `pf_meta` file that lists them and `pagefind-entry.json`) changes from run
to run; upstream says so (Pagefind/pagefind#638: fragments are stable since
1.3, "other files will still change, such as the filter/metadata indexes").
Two builds of the same site must give the same files, so after Pagefind ran
we put every filter file into one canonical order and name files after a
hash of their content. Only the order changes, never what the files say:
Pagefind's browser code looks values up by name.

The files are gzip(b"pagefind_dcd" + CBOR); cbor2 reads and writes them.
"""

import gzip
import hashlib
import io
import json
import os

import cbor2

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"
FILTERS = 3  # position of the filter list in a pf_meta file


def _read(path):
    with gzip.open(path, "rb") as handle:
        data = handle.read()
    if not data.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind data file")
    return cbor2.loads(data[len(SIGNATURE):])


def _encode(value):
    buffer = io.BytesIO()
    # mtime=0 and no file name: the gzip header is the same on every run
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as handle:
        handle.write(SIGNATURE + cbor2.dumps(value))
    return buffer.getvalue()


def _name(language, data, length):
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def canonicalize(bundle):
    """Rewrite the filter indexes of every language in `bundle` in one canonical order."""
    entry_path = os.path.join(bundle, ENTRY)
    with open(entry_path, encoding="utf-8") as handle:
        entry = json.load(handle)
    for language, info in sorted(entry.get("languages", {}).items()):
        meta_path = os.path.join(bundle, f"pagefind.{info['hash']}.pf_meta")
        meta = _read(meta_path)
        if not (isinstance(meta, list) and len(meta) > FILTERS and all(
                isinstance(f, list) and len(f) == 2 for f in meta[FILTERS])):
            raise ValueError(f"{meta_path}: not the Pagefind 1.5 layout this step knows")
        # meta: [version, pages, index chunks, [[filter name, file hash], ...], sorts, meta fields]
        filters = meta[FILTERS]
        renamed = []
        for filter_name, file_hash in sorted(filters, key=lambda f: f[0]):
            path = os.path.join(bundle, "filter", f"{file_hash}.pf_filter")
            name, values = _read(path)
            values = sorted(values, key=lambda value: value[0])
            data = _encode([name, values])
            new_hash = _name(language, data, 7)
            os.unlink(path)
            with open(os.path.join(bundle, "filter", f"{new_hash}.pf_filter"), "wb") as handle:
                handle.write(data)
            renamed.append([filter_name, new_hash])
        meta[FILTERS] = renamed
        data = _encode(meta)
        new_meta_hash = _name(language, data, 10)
        os.unlink(meta_path)
        with open(os.path.join(bundle, f"pagefind.{new_meta_hash}.pf_meta"), "wb") as handle:
            handle.write(data)
        info["hash"] = new_meta_hash
    with open(entry_path, "w", encoding="utf-8") as handle:
        json.dump(entry, handle, ensure_ascii=False, separators=(",", ":"))
