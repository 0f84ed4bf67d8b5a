"""Candidate words for the topics of content/themen.yml, from a thesaurus and from morphology.

    .venv/bin/python -m bench.topic_vocabulary [--thesaurus FILE] [--topic SLUG] [--all]

A taxonomy written from memory and tuned on a few texts knows the words those
texts use; other writers carry the same topic with synonyms and derived
words. This script proposes such words systematically, for an editor to
curate into themen.yml (the product never reads the thesaurus):

- synonyms: every synonym set of OpenThesaurus that contains a term of the
  topic (Debian: `apt-get install openthesaurus-de-text` gives
  /usr/share/openthesaurus-de/openthesaurus.txt; `mythes-de` gives the same
  data as /usr/share/mythes/th_de_DE_v2.dat, also understood). A set that
  holds several terms of one topic is more likely about that topic than a set
  that shares one ambiguous word with it ("offen" is in twenty sets), so each
  candidate shows how many of the topic's terms its sets hold;
- derivations: adjective ↔ noun (transparent/Transparenz, ehrlich/Ehrlichkeit,
  erreichbar/Erreichbarkeit), verb ↔ noun (erstatten/Erstattung,
  reklamieren/Reklamation), kept only when wordfreq knows the word.

For every candidate it prints its wordfreq Zipf frequency (how common it is
in German at large: common words need a low weight or a phrase) and in how
many texts of the tuning half it occurs with the topic in their gold labels
and without it (lemma-level, including as the head of a compound). Only the
tuning half is read: the test half must stay unseen.

OpenThesaurus is licensed under the LGPL 2.1: the words and synonym sets are
facts about German and may be chosen from; its data file is not copied into
this repository.
"""

import argparse
import os
import re
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THESAURI = ("/usr/share/openthesaurus-de/openthesaurus.txt", "/usr/share/mythes/th_de_DE_v2.dat")
TUNING = os.path.join(ROOT, "tests", "data", "topics", "tuning")
ANNOTATION = re.compile(r"\s*\([^)]*\)\s*")
MAX_PHRASE_WORDS = 3

# (ending of the known word, ending of the derived word): both directions are tried.
DERIVATIONS = (
    ("", "heit"), ("", "keit"), ("", "igkeit"), ("ig", "igkeit"), ("lich", "lichkeit"),
    ("bar", "barkeit"), ("sam", "samkeit"), ("ent", "enz"), ("ant", "anz"), ("isch", "izität"),
    ("isch", "ität"), ("iv", "ivität"), ("en", "ung"), ("ieren", "ierung"), ("ieren", "ation"),
    ("en", "bar"), ("en", "er"), ("en", "e"), ("ern", "erung"), ("eln", "elung"), ("en", "lich"),
)
PREFIXES = ("un", "in")
# Derived words with these endings are nouns (capitalized); the others adjectives or verbs.
NOUN_ENDINGS = ("heit", "keit", "enz", "anz", "ität", "ung", "ation", "er", "e")


def read_thesaurus(path):
    """Synonym sets as lists of entries, annotations like "(ugs.)" removed."""
    sets = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = handle.read().splitlines()
    mythes = path.endswith(".dat")
    for line in lines[1:] if mythes else lines:
        if line.startswith("#") or not line.strip():
            continue
        if mythes:
            if not line.startswith("-|") and not line.startswith("("):
                continue
            entries = line.split("|")[1:]
        else:
            entries = line.split(";")
        cleaned = []
        for entry in entries:
            entry = " ".join(ANNOTATION.sub(" ", entry).split()).strip(" .…")
            if entry and "..." not in entry and len(entry.split()) <= MAX_PHRASE_WORDS:
                cleaned.append(entry)
        if len(cleaned) > 1:
            sets.append(cleaned)
    return sets


def derivations(word, known):
    """Derived words of `word` that `known` accepts (both directions of DERIVATIONS)."""
    out = set()
    lower = word.lower()
    for base, derived in DERIVATIONS:
        for old, new in ((base, derived), (derived, base)):
            if (old and not lower.endswith(old)) or len(lower) - len(old) < 4:
                continue
            stem = lower[: len(lower) - len(old)] if old else lower
            candidate = stem + new
            form = candidate.capitalize() if candidate.endswith(NOUN_ENDINGS) else candidate
            if candidate != lower and known(form):
                out.add(form)
    for prefix in PREFIXES:
        if lower.startswith(prefix) and known(word[len(prefix):]):
            out.add(word[len(prefix):])
        elif known(prefix + lower):
            out.add(prefix + lower)
    return out


class TuningIndex:
    """The tuning texts as sets of lemma keys per sentence, with their gold topics."""

    def __init__(self, directory, taxonomy):
        from german import lemmas
        from topics import evaluate, match, text

        self.lemmas, self.match = lemmas, match
        self.docs = []
        for sample in evaluate.load_split(directory, taxonomy):
            places = text.places_from_html(sample.title, sample.summary_html, sample.content_html)
            whole = " \x00 ".join([places.title, places.summary, *places.headings, places.body])
            sentences, forms = [], set()
            for sentence in text.split_sentences(whole.replace("\x00", "\n")):
                keys = set()
                for form in lemmas.tokenize(sentence):
                    keys.update(match.token_keys(form))
                    forms.add(form.casefold())
                sentences.append(keys)
            self.docs.append((set(sample.gold), sentences, forms))

    def keys(self, word):
        return set(self.match.token_keys(word))

    def counts(self, candidate, slug):
        """(texts with the topic, texts without it) in which the candidate occurs."""
        words = [w for w in candidate.split() if w.casefold() not in self.match.STOPWORDS] or candidate.split()
        wanted = [self.keys(w) for w in words]
        head = candidate.casefold() if len(words) == 1 and len(candidate) >= 5 else None
        hit, miss = 0, 0
        for gold, sentences, forms in self.docs:
            found = any(all(keys & s for keys in wanted) for s in sentences)
            if not found and head:
                found = any(f.endswith(head) and f != head for f in forms)
            if found:
                if slug in gold:
                    hit += 1
                else:
                    miss += 1
        return hit, miss


def propose(taxonomy, sets, index, zipf, only=None, show_all=False):
    """Per topic: rows (candidate, sources, Zipf, with topic, without) not yet in the taxonomy."""
    listed = {}
    for topic in taxonomy.topics:
        for spec in topic.terms + topic.parts:
            listed.setdefault(spec.text.casefold(), topic.slug)
    by_entry = defaultdict(list)
    for number, synset in enumerate(sets):
        for entry in synset:
            by_entry[entry.casefold()].append(number)

    def known(word):
        return zipf(word) >= 1.5

    report = []
    for topic in taxonomy.topics:
        if only and topic.slug not in only:
            continue
        seeds = {spec.text for spec in topic.terms if spec.weight >= 0.5} | {
            spec.text for spec in topic.parts}
        seeds |= {d for seed in list(seeds) if " " not in seed for d in derivations(seed, known)}
        seed_keys = {s.casefold() for s in seeds}
        candidates = defaultdict(set)
        for seed in sorted(seeds):
            for word in derivations(seed, known) if " " not in seed else ():
                candidates[word].add(f"abgeleitet von {seed}")
            for number in by_entry.get(seed.casefold(), ()):
                members = sets[number]
                shared = sum(1 for m in members if m.casefold() in seed_keys)
                for member in members:
                    if member.casefold() != seed.casefold():
                        candidates[member].add(f"Synonym von {seed} ({shared} Themenwörter im Satz)")
        rows = []
        for word, sources in candidates.items():
            owner = listed.get(word.casefold())
            if owner and not show_all:
                continue
            frequency = max(zipf(w) for w in word.split()) if " " not in word else zipf(word)
            hit, miss = index.counts(word, topic.slug)
            strength = max(int(m.group(1)) for m in (re.search(r"\((\d+) ", s) for s in sources) if m) \
                if any("Synonym" in s for s in sources) else 0
            rows.append((word, sorted(sources), frequency, hit, miss, owner, strength))
        rows.sort(key=lambda r: (-r[6], -r[3], r[4], -r[2], r[0]))
        report.append((topic, rows))
    return report


def mine(taxonomy, index, zipf, only=None, min_texts=3, min_share=0.5):
    """Per topic: lemmas of the tuning half that occur in at least `min_texts` texts
    with the topic and in at least `min_share` of all texts that have them.

    A second, corpus-based source of candidates: what several writers of the
    tuning half used for a topic, never a word of a single text. Sorted by share.
    """
    listed = {spec.text.casefold() for t in taxonomy.topics for spec in t.terms + t.parts}
    document_keys = []
    for gold, sentences, _forms in index.docs:
        keys = set()
        for sentence in sentences:
            keys |= sentence
        document_keys.append((gold, keys))
    report = []
    for topic in taxonomy.topics:
        if only and topic.slug not in only:
            continue
        with_topic, everywhere = defaultdict(int), defaultdict(int)
        for gold, keys in document_keys:
            for key in keys:
                everywhere[key] += 1
                if topic.slug in gold:
                    with_topic[key] += 1
        rows = []
        for key, hits in with_topic.items():
            share = hits / everywhere[key]
            if hits >= min_texts and share >= min_share and key not in listed and len(key) > 3 \
                    and key not in index.match.STOPWORDS:
                rows.append((key, hits, everywhere[key] - hits, zipf(key)))
        rows.sort(key=lambda r: (-(r[1] / (r[1] + r[2])), -r[1], r[0]))
        report.append((topic, rows))
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--thesaurus", help="OpenThesaurus text file or mythes .dat (default: Debian's)")
    parser.add_argument("--taxonomy", default=os.path.join(ROOT, "content", "themen.yml"))
    parser.add_argument("--topic", action="append", help="only this topic slug (repeatable)")
    parser.add_argument("--all", action="store_true", help="also words the taxonomy already lists")
    parser.add_argument("--min-strength", type=int, default=1,
                        help="leave out synonyms whose sets hold fewer topic words (derivations always shown)")
    parser.add_argument("--mine", action="store_true",
                        help="instead: lemmas the tuning half uses with a topic in several texts")
    args = parser.parse_args(argv)
    path = args.thesaurus or next((p for p in THESAURI if os.path.exists(p)), None)
    if path is None:
        sys.exit("no thesaurus found; install Debian's openthesaurus-de-text or mythes-de, or pass --thesaurus")
    sys.path[:0] = [os.path.join(ROOT, "plugins")]
    from wordfreq import zipf_frequency

    from topics import taxonomy as taxonomy_module

    taxonomy = taxonomy_module.load(args.taxonomy)
    index = TuningIndex(TUNING, taxonomy)
    if args.mine:
        print(f"# Wörter der Abstimmungshälfte ({len(index.docs)} Texte): Texte mit Thema / ohne")
        for topic, rows in mine(taxonomy, index, lambda w: zipf_frequency(w, "de"), args.topic):
            print(f"## {topic.label} ({topic.slug})")
            print("  " + "; ".join(f"{key} {hit}/{miss}" for key, hit, miss, _z in rows))
        return
    sets = read_thesaurus(path)
    report = propose(taxonomy, sets, index, lambda w: zipf_frequency(w, "de"), args.topic, args.all)
    print(f"# Kandidaten aus {os.path.basename(path)} ({len(sets)} Synonymsätze) und Ableitungen;")
    print(f"# Zählung auf der Abstimmungshälfte ({len(index.docs)} Texte): mit Thema / ohne Thema\n")
    for topic, rows in report:
        print(f"## {topic.label} ({topic.slug})")
        for word, sources, frequency, hit, miss, owner, strength in rows:
            if strength < args.min_strength and not any(s.startswith("abgeleitet") for s in sources):
                continue
            owned = f"  [schon bei {owner}]" if owner else ""
            print(f"  {word:28} zipf {frequency:4.1f}  {hit:2d}/{miss:<2d}  {'; '.join(sources)[:110]}{owned}")
        print()


if __name__ == "__main__":
    main()
