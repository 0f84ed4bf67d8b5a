"""The topic taxonomy editors write in content/themen.yml, loaded and checked.

We walk PyYAML's node tree instead of calling safe_load so that every problem
can name its line, and so that a key written twice (which safe_load silently
resolves to the last value) is reported instead of half-applied.

File format (English keys, like Pelican's own metadata)::

    defaults:            # optional
      threshold: 3.0     # score a topic needs (see match.py)
    topics:
      - label: Vertrauen                 # required: the tag name readers see
        slug: vertrauen                  # optional: defaults to the German slug of label
        description: Wie Kundinnen …     # required: shown on /themen/<slug>/
        terms: [Vertrauen, vertrauenswürdig, {term: Glaubwürdigkeit, weight: 0.8}]
        parts: [vertrauen]               # compound parts: Kundenvertrauen, Vertrauensverlust
        negative: [Vertrauensarzt]       # words that look alike but mean something else
        weight: 1.0                      # optional: multiplies the topic's score
        threshold: 3.0                   # optional: overrides defaults.threshold

A term is a word ("Vertrauen"), a phrase ("Social Media", "rund um die Uhr") or a
mapping with `term` and the options `weight` (default 1; for negative terms: how
much each occurrence lowers the score, default 0), `exact` (match the written
form and its inflections only, not what simplemma maps it to) and `intensifier`
(the word is also an intensifier like "echt schnell": it only counts when it is
not directly followed by another word, or when it is inflected, "echte Menschen")
and `heading` (the word only counts in the title and in headings: the status
headings of outage notices, "… – Geplant", say more than "geplant" in a sentence).
A compound part may be marked `head`: it then only counts as the last part of a
compound ("daten" in "Kundendaten", not in "Datenvolumen").
"""

import hashlib
import re
from dataclasses import dataclass, field

import yaml

from german.slugs import slugify

TOP_KEYS = {"defaults", "topics"}
DEFAULT_KEYS = {"threshold", "weight"}
TOPIC_KEYS = {"label", "slug", "description", "terms", "parts", "negative", "weight", "threshold"}
TERM_KEYS = {"term", "weight", "exact", "intensifier", "heading", "head"}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_THRESHOLD = 3.0
TERM_PATTERN = re.compile(r"^#?[^\W\d_][^\W_]*(?:-[^\W_]+)*(?: [^\W\d_][^\W_]*(?:-[^\W_]+)*)*$")


class TaxonomyError(Exception):
    """One or more problems in the taxonomy file; each is (where, field, expected)."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(f"{w}: {f}: {e}" for w, f, e in problems))


@dataclass(frozen=True)
class TermSpec:
    text: str
    weight: float = 1.0
    exact: bool = False
    intensifier: bool = False
    heading: bool = False
    head: bool = False  # a compound part that only counts as the last part
    line: int = 0


@dataclass
class Topic:
    slug: str
    label: str
    description: str
    terms: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    negative: list = field(default_factory=list)
    weight: float = 1.0
    threshold: float = DEFAULT_THRESHOLD
    line: int = 0

    def as_context(self):
        """What templates get through the `topic_taxonomy` context key."""
        return {"slug": self.slug, "label": self.label, "description": self.description}


@dataclass
class Taxonomy:
    topics: list
    source: str
    fingerprint: str
    # Answers of by_slug() and find(), worked out once: every document asks for
    # each of its tags, and slugifying a name is 50 regex substitutions.
    _by_slug: dict = field(default=None, init=False, repr=False, compare=False)
    _found: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def by_slug(self):
        """{slug: Topic}; one shared dict, callers must not change it."""
        if self._by_slug is None:
            self._by_slug = {topic.slug: topic for topic in self.topics}
        return self._by_slug

    def find(self, name):
        """The topic an editor means by a label or slug ("Datenschutz", "datenschutz")."""
        try:
            return self._found[name]
        except KeyError:
            pass
        topic = self._find(name)
        self._found[name] = topic
        return topic

    def _find(self, name):
        wanted = name.strip().casefold()
        for topic in self.topics:
            if wanted in (topic.label.casefold(), topic.slug):
                return topic
        slug = slugify(name)
        for topic in self.topics:
            if topic.slug == slug:
                return topic
        return None


class _Checker:
    """Collects problems while converting YAML nodes, so an editor sees all at once."""

    def __init__(self, display):
        self.display = display
        self.problems = []

    def where(self, node):
        return f"{self.display}:{node.start_mark.line + 1}"

    def add(self, node, field_name, expected):
        self.problems.append((self.where(node), field_name, expected))

    def mapping(self, node, allowed, what):
        """A dict key → (key_node, value_node); unknown and repeated keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.add(node, what, "expected a block of 'key: value' lines")
            return None
        result = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                names = ", ".join(sorted(allowed))
                self.add(key_node, str(key), f"unknown key in {what}; expected one of {names}")
                continue
            if key in result:
                self.add(key_node, key, f"written twice in {what}; expected it once")
                continue
            result[key] = (key_node, value_node)
        return result

    def text(self, node, field_name, required=True):
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            if required:
                self.add(node, field_name, "expected a non-empty text")
            return None
        return " ".join(str(node.value).split())

    def number(self, node, field_name, minimum=0.0, allow_zero=False):
        value = None
        if isinstance(node, yaml.ScalarNode) and node.tag in (
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
        ):
            try:
                value = float(node.value)
            except ValueError:
                value = None
        if value is None or value < minimum or (value == 0 and not allow_zero):
            bound = "zero or more" if allow_zero else "greater than zero"
            self.add(node, field_name, f"expected a number {bound}, e.g. 1.5")
            return None
        return value

    def boolean(self, node, field_name):
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return node.value.lower() in ("true", "yes", "on")
        self.add(node, field_name, "expected true or false")
        return False


def _term(checker, node, field_name, negative):
    """One entry of terms/parts/negative: a word, a phrase or a mapping with options."""
    options = {}
    if isinstance(node, yaml.MappingNode):
        keys = checker.mapping(node, TERM_KEYS, f"an entry of '{field_name}'")
        if keys is None:
            return None
        if "term" not in keys:
            checker.add(node, field_name, "an entry with options needs 'term: <word>'")
            return None
        text_node = keys["term"][1]
        if "weight" in keys:
            options["weight"] = checker.number(keys["weight"][1], "weight", allow_zero=negative)
        for flag in ("exact", "intensifier", "heading", "head"):
            if flag in keys:
                options[flag] = checker.boolean(keys[flag][1], flag)
    else:
        text_node = node
    text = checker.text(text_node, field_name)
    if text is None:
        return None
    if not TERM_PATTERN.match(text):
        checker.add(text_node, field_name, f"'{text}' is not a word or phrase; expected letters, "
                    "hyphens and single spaces, e.g. 'Social Media'")
        return None
    if options.get("weight", 1.0) is None:
        return None
    weight = options.get("weight", 0.0 if negative else 1.0)
    return TermSpec(
        text=text.lstrip("#"),
        weight=weight,
        exact=options.get("exact", False),
        intensifier=options.get("intensifier", False),
        heading=options.get("heading", False),
        head=options.get("head", False),
        line=text_node.start_mark.line + 1,
    )


def _term_list(checker, node, field_name, negative=False, single_words=False):
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
        return []
    if not isinstance(node, yaml.SequenceNode):
        checker.add(node, field_name, "expected a list, e.g. [Vertrauen, vertrauenswürdig]")
        return []
    result = []
    for item in node.value:
        spec = _term(checker, item, field_name, negative)
        if spec is None:
            continue
        if single_words and " " in spec.text:
            checker.add(item, field_name, f"'{spec.text}' has a space; compound parts are single words")
            continue
        if spec.head and not single_words:
            checker.add(item, field_name, f"'{spec.text}': 'head' is only for compound parts (parts)")
            continue
        result.append(spec)
    return result


def parse(text, display="content/themen.yml"):
    """Parse and check taxonomy text; raises TaxonomyError listing every problem."""
    checker = _Checker(display)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{display}:{mark.line + 1}" if mark else display
        problem = getattr(exc, "problem", None) or str(exc)
        raise TaxonomyError([(where, "YAML", f"{problem}; expected valid YAML (check indentation "
                                             "and that texts with ':' are in quotes)")]) from None
    if root is None:
        raise TaxonomyError([(display, "topics", "the file is empty; expected a 'topics:' list")])
    top = checker.mapping(root, TOP_KEYS, "the file")
    if top is None:
        raise TaxonomyError(checker.problems)
    default_threshold, default_weight = DEFAULT_THRESHOLD, 1.0
    if "defaults" in top:
        defaults = checker.mapping(top["defaults"][1], DEFAULT_KEYS, "defaults") or {}
        if "threshold" in defaults:
            default_threshold = checker.number(defaults["threshold"][1], "threshold") or default_threshold
        if "weight" in defaults:
            default_weight = checker.number(defaults["weight"][1], "weight") or default_weight
    if "topics" not in top:
        checker.add(root, "topics", "missing; expected a 'topics:' list of topics")
        raise TaxonomyError(checker.problems)
    topics_node = top["topics"][1]
    if not isinstance(topics_node, yaml.SequenceNode) or not topics_node.value:
        checker.add(topics_node, "topics", "expected a list of topics, each starting with '- label: …'")
        raise TaxonomyError(checker.problems)

    topics, slugs, labels = [], {}, {}
    for node in topics_node.value:
        keys = checker.mapping(node, TOPIC_KEYS, "a topic")
        if keys is None:
            continue
        if "label" not in keys:
            checker.add(node, "label", "missing; every topic needs a label, the name readers see")
            continue
        label = checker.text(keys["label"][1], "label")
        if label is None:
            continue
        if "slug" in keys:
            slug_node = keys["slug"][1]
            slug = checker.text(slug_node, "slug")
            if slug is not None and not SLUG_PATTERN.match(slug):
                checker.add(slug_node, "slug", f"'{slug}' is not a web address part; expected "
                            f"lower-case letters, digits and hyphens, e.g. '{slugify(label)}'")
                slug = None
        else:
            slug_node, slug = keys["label"][1], slugify(label)
        if "description" in keys:
            description = checker.text(keys["description"][1], "description")
        else:
            checker.add(node, "description", f"missing for '{label}'; expected a German sentence "
                        "or two for the topic page")
            description = None
        terms = _term_list(checker, keys["terms"][1], "terms") if "terms" in keys else []
        parts = (_term_list(checker, keys["parts"][1], "parts", single_words=True)
                 if "parts" in keys else [])
        negative = (_term_list(checker, keys["negative"][1], "negative", negative=True)
                    if "negative" in keys else [])
        if not terms and not parts:
            checker.add(node, "terms", f"'{label}' has no terms; expected at least one word that "
                        "signals the topic")
        weight = checker.number(keys["weight"][1], "weight") if "weight" in keys else default_weight
        threshold = (checker.number(keys["threshold"][1], "threshold")
                     if "threshold" in keys else default_threshold)
        if slug is not None:
            if slug in slugs:
                checker.add(slug_node, "slug", f"'{slug}' is already used by the topic in line "
                            f"{slugs[slug]}; expected a slug of its own")
                continue
            slugs[slug] = node.start_mark.line + 1
        if label.casefold() in labels:
            checker.add(keys["label"][1], "label", f"'{label}' is already used by the topic in line "
                        f"{labels[label.casefold()]}; expected a label of its own")
            continue
        labels[label.casefold()] = node.start_mark.line + 1
        if None in (slug, description, weight, threshold):
            continue
        topics.append(Topic(slug=slug, label=label, description=description, terms=terms,
                            parts=parts, negative=negative, weight=weight, threshold=threshold,
                            line=node.start_mark.line + 1))
    if checker.problems:
        raise TaxonomyError(checker.problems)
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Taxonomy(topics=topics, source=display, fingerprint=fingerprint)


def load(path, display=None):
    """Read and check the taxonomy file; raises TaxonomyError (also for a missing file)."""
    display = display or path
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise TaxonomyError([(display, "file", "not found; expected the topic list "
                                               "(see plugins/topics/taxonomy.py for the format)")]) from None
    except UnicodeDecodeError:
        raise TaxonomyError([(display, "file", "not UTF-8; expected a UTF-8 text file")]) from None
    return parse(text, display)

