"""JSON byte for byte as ``json.dumps(value, ensure_ascii=False, indent=1)``
writes it, several times faster.

Why: with an indent, the standard library falls back from its C encoder to
the pure-Python one, which took ~0.9 s for the queue of a 4,000-article site.
Keeping the exact format means the queue of an incremental build can be
assembled from cached, already encoded posts (`Raw`) and is still identical
to what a cold build writes. Strings are escaped by the standard library's
own (C) function, so escaping cannot differ.
"""

import json
from json.encoder import c_make_encoder, encode_basestring

__all__ = ["Raw", "dumps"]

_INFINITY = float("inf")


class Raw(str):
    """Already encoded JSON, inserted as it is (encoded at the level it appears)."""

    __slots__ = ()


def _float(value):
    if value != value:
        return "NaN"
    if value == _INFINITY:
        return "Infinity"
    if value == -_INFINITY:
        return "-Infinity"
    return float.__repr__(value)


def _key(key):
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


_SCALARS = {
    str: encode_basestring,
    int: int.__repr__,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}
_SCALAR_TYPES = frozenset(_SCALARS)
_STR = frozenset({str})
_KEYS = {}  # encoded dictionary keys: a queue repeats the same few thousands of times
_INDENTS = ["\n" + " " * level for level in range(32)]


def _newline(level):
    return _INDENTS[level] if level < len(_INDENTS) else "\n" + " " * level


def _encoded_key(key):
    encoded = _KEYS.get(key) if key.__class__ is str else None
    if encoded is None:
        encoded = encode_basestring(_key(key)) + ": "
        if key.__class__ is str and len(_KEYS) < 10_000:
            _KEYS[key] = encoded
    return encoded


_RUNS = {}


def _refuse(value):
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def _run_encoder(level):
    """The standard library's C encoder, joining items as indent=1 does at
    `level` – right for containers whose members are all plain scalars."""
    encoder = _RUNS.get(level)
    if encoder is None and c_make_encoder is not None:
        encoder = _RUNS[level] = c_make_encoder(
            None, _refuse, encode_basestring, None, ": ", "," + _newline(level), False, False, True
        )
    return encoder


def _flat(container, level):
    """Members of a container of scalars (str keys), encoded and joined, or None."""
    encoder = _run_encoder(level)
    if encoder is None:
        return None
    return "".join(encoder(container, 0))[1:-1]


_FEATURES = {}  # encoded facet features by (level, $type, key, value): tags repeat


def _facet(value, level):
    """A Bluesky facet as _encode writes it – {"index": {"byteStart": int,
    "byteEnd": int}, "features": [{"$type": str, <one str member>}]}, the
    shape of most of a queue's containers – or None for any other value."""
    if value.__class__ is not dict or len(value) != 2:
        return None
    index, features = value.get("index"), value.get("features")
    if (
        index.__class__ is not dict
        or features.__class__ is not list
        or len(features) != 1
        or next(iter(value)) != "index"
        or len(index) != 2
        or next(iter(index)) != "byteStart"
    ):
        return None
    start, end, feature = index.get("byteStart"), index.get("byteEnd"), features[0]
    if start.__class__ is not int or end.__class__ is not int or feature.__class__ is not dict:
        return None
    if len(feature) != 2 or next(iter(feature)) != "$type":
        return None
    kind, (name, text) = feature["$type"], list(feature.items())[1]
    if kind.__class__ is not str or name.__class__ is not str or text.__class__ is not str:
        return None
    key = (level, kind, name, text)
    encoded = _FEATURES.get(key)
    if encoded is None:
        encoded = _encode(feature, level + 2)
        if len(_FEATURES) < 10_000:
            _FEATURES[key] = encoded
    one, two, three = _newline(level + 1), _newline(level + 2), _newline(level + 3)
    return (
        f'{{{one}"index": {{{two}"byteStart": {start},{two}"byteEnd": {end}{one}}},'
        f'{one}"features": [{two}{encoded}{one}]{_newline(level)}}}'
    )


def _encode(value, level):
    scalar = _SCALARS.get(value.__class__)
    if scalar is not None:
        return scalar(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        deeper = level + 1
        if (
            value.__class__ is dict
            and _STR.issuperset(map(type, value))
            and _SCALAR_TYPES.issuperset(map(type, value.values()))
        ):
            flat = _flat(value, deeper)
            if flat is not None:
                return "{" + _newline(deeper) + flat + _newline(level) + "}"
        items = []
        keys = _KEYS
        scalars = _SCALARS
        run = {}  # consecutive plain members: encoded together, in C
        for key, item in value.items():
            if key.__class__ is str and item.__class__ in scalars:
                run[key] = item
                continue
            if run:
                items.append(_flat(run, deeper))
                run = {}
            # Only str keys are stored, and no other key compares equal to one.
            encoded = keys.get(key) or _encoded_key(key)
            scalar = scalars.get(item.__class__)
            items.append(encoded + (scalar(item) if scalar is not None else _encode(item, deeper)))
        if run:
            items.append(_flat(run, deeper))
        if None in items:  # no C encoder: member by member
            items = [
                _encoded_key(key) + _encode(item, deeper) for key, item in value.items()
            ]
        inner = _newline(deeper)
        return "{" + inner + ("," + inner).join(items) + _newline(level) + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        deeper = level + 1
        inner = _newline(deeper)
        if value.__class__ is list and _SCALAR_TYPES.issuperset(map(type, value)):
            flat = _flat(value, deeper)
            if flat is not None:
                return "[" + inner + flat + _newline(level) + "]"
        items = []
        for item in value:
            scalar = _SCALARS.get(item.__class__)
            if scalar is not None:
                items.append(scalar(item))
            else:
                items.append(_facet(item, deeper) or _encode(item, deeper))
        return "[" + inner + ("," + inner).join(items) + _newline(level) + "]"
    # Subclasses of the basic types, in json's order of checks.
    if isinstance(value, str):
        return value if isinstance(value, Raw) else encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    # Whatever json.dumps does with it (raise TypeError), at this level.
    return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", _newline(level))


def dumps(value, level=0):
    """``json.dumps(value, ensure_ascii=False, indent=1)``, as if `value` were
    nested `level` deep (its inner lines indented by `level` more spaces)."""
    return _encode(value, level)
