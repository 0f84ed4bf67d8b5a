"""Finding a taxonomy's topics in German text, with evidence.

How a word counts for a topic (all decided once per distinct word form and cached):

- its lemma (simplemma) or the form itself equals a term or its lemma: "Vertrauens",
  "vertraute" → Vertrauen; "Postings" → Posting, never Post;
- it is a compound of a listed part and other German words, with or without a
  linking -s-/-n-: "Kundenvertrauen", "Vertrauensverlust", "vertrauenswürdig";
  "Posting" is not "Post" + a word, so it never counts for a part "post"; a part
  marked `head` only counts as the last part ("Kundendaten", not "Datenvolumen");
- hyphenated forms and hashtags are split: "Social-Media-Team" holds the phrase
  "Social Media", "#SocialMedia" and "#Kundenvertrauen" count like the words;
- phrases ("soziale Netzwerke") match word by word on lemmas, inside one clause;
- separable verbs count where German splits them: a particle at the end of a
  clause joins a form of its verb earlier in the same clause ("wir legen offen,
  was schiefging" → offenlegen; "fällt … aus" → ausfallen), and so do terms of
  an adverb and a verb ("das sagen wir offen" → "offen sagen");
- an intensifier-like term ("echt") does not count when it is uninflected and
  directly followed by another word ("echt schnell"), but does in "echte Menschen"
  or "wirkt echt.";
- a term marked `heading` counts only in the title and in headings (the status
  headings of outage notices: "Ursache gefunden", "Geplant");
- a negative term neutralizes the topic words it overlaps ("Ruhestörung",
  "ehrlich gesagt") and lowers the score by its weight (default 0).

Matching is on whole tokens only: a topic word inside an unrelated word never counts.

Scoring: each hit adds place weight × term weight (title 3, heading and summary 2,
body 1); the k-th repetition of the same term in the same kind of place adds 1/k
of that; body hits are divided by (words / 300) ** 0.75 for texts longer than 300
words, so a few passing mentions in a long article do not tag it. A topic is
assigned when its score reaches its threshold and it has evidence in two places
(title, summary, a heading, a body sentence) or in the title; at most five.
"""

import bisect
import operator
import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import compress, repeat

from german import lemmas

from .model import CONFIRMS as MODEL_CONFIRMS
from .model import NEAR as MODEL_NEAR
from .text import BOUNDARY, CLOSERS, OPENERS, ending, sentence_starts, sentence_text

ENGINE_VERSION = "topics-match-7"  # change it when matching changes: caches are keyed by it
PLACE_WEIGHTS = {"title": 3.0, "heading": 2.0, "summary": 2.0, "body": 1.0}
PLACE_ORDER = ("title", "summary", "heading", "body")
HEADING_PLACES = ("title", "heading")  # where a term marked `heading` counts
BODY_NORM_WORDS = 300
BODY_NORM_POWER = 0.75
MAX_EVIDENCE = 6
# Short texts (replies, short FAQ answers) need a smaller score (see short_text_factor).
SHORT_TEXT_WORDS = 100
SHORT_TEXT_FACTOR = 0.55
SHORT_TEXT_ONE_PLACE = 80
# A topic needs more than one full-weight word in the body, however short the
# text: a single mention ("Transparenz ist uns wichtig, Vertrauen auch.") is a
# mention, not the subject. Words in two places (sentences, title, headings)
# are at least two words, so there a smaller sum of weaker words is enough: a
# reply says "Das ärgert mich. … Sorry!" rather than "Beschwerde" twice.
MIN_TOPIC_SCORE = 1.01
MIN_SPREAD_SCORE = 0.8
MAX_SENTENCE_CHARS = 240
# Linking elements between compound parts ("Vertrauen-s-verlust", "Kunde-n-dialog").
FUGEN = ("", "s", "es", "n", "en", "er", "e", "ns")
# Endings a part may carry on its own ("Vertrauens", "Dialoge").
INFLECTIONS = frozenset(("", "s", "es", "n", "en", "e", "er", "em", "ern", "ns", "nen"))
# After these an uninflected "echt" is still an adjective ("echt und nahbar").
NOT_INTENSIFIED = frozenset("und oder aber sowie sondern statt als wie noch doch".split())
MIN_PART = 3
# Bits of Matcher._raw_class: the token can count for a topic / can end a sentence.
RELEVANT = 2
ENDER = 1
# Words too common to anchor a phrase on.
STOPWORDS = frozenset("""der die das den dem des ein eine einer einem einen eines und oder
    auf an am in im ins um zu zum zur mit von vom bei sich nicht diesem dieser diese""".split())
FOLD = str.maketrans("äöüß", "aous")
# Particles of separable verbs ("offen|legen", "zurück|rufen"): at the end of a
# clause they belong to a verb earlier in it.
PARTICLES = frozenset("""ab an auf aus bei dar durch ein fest fort frei gut heim her herab heran herauf
    heraus herein herum herunter hervor hin hinaus hinein hinzu hoch klar los mit nach nieder offen
    schief schön statt teil um vor voran voraus vorbei vorweg weg weiter wieder zu zurecht zurück
    zusammen""".split())
CLAUSE_END = ".,;:!?…"
COMPOUND_WEIGHT = 0.7  # a noun term inside a compound, relative to the word itself
MIN_COMPOUND_MEMBER = 5  # shorter terms ("Chat", "Fan") are too often part of other words
SEPARABLE_REACH = 15  # tokens a particle looks back for its verb
# Inseparable prefixes are not compound members: "Zerstörung" is not a kind of Störung.
NOT_A_MODIFIER = frozenset("zer ver ent emp miss miß ur".split())
# Verbs with these prefixes form their participle without "ge-" ("beschönigt").
INSEPARABLE = ("be", "emp", "ent", "er", "ge", "miss", "ver", "zer", "hinter", "über", "wider")


@dataclass(frozen=True)
class Ref:
    """One term of one topic, as compiled."""

    topic: int
    term: str
    weight: float
    negative: bool
    intensifier: bool = False
    bare: str = ""
    heading: bool = False  # counts only in the title and in headings


@dataclass(frozen=True)
class FormInfo:
    """What one distinct word form can contribute, worked out once."""

    hits: tuple  # (Ref, needs_context) — whole-token hits, one per topic
    anchors: tuple  # (position, keysets, Ref) — phrases this form may be part of


def _cf(word):
    return word.casefold()


ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
VERB_ENDINGS = ("test", "tet", "ten", "te", "st", "t")


def token_keys(form):
    """The keys a token is compared with: its own casefolded form and its lemma's.

    simplemma does not know every verb form ("misstraut"); for a lower-case form
    it does not know at all we also try the infinitive of a regular verb (but
    not for known words: "vertraut" is also the adjective "familiar").
    """
    cf = _cf(form)
    lemma = lemmas.lemma(form)
    if lemma == form and form.islower() and len(form) > 5 and not lemmas.is_known(form):
        for suffix in VERB_ENDINGS:
            if form.endswith(suffix):
                infinitive = form[: -len(suffix)] + "en"
                if lemmas.is_known(infinitive):
                    return (cf, infinitive)
                break
    lemma = _cf(lemma)
    return (cf,) if lemma == cf else (cf, lemma)


class Matcher:
    """Compiled taxonomy; scans places of text and scores topics.

    Speed (4,000 articles must not cost seconds): a text is split once on
    whitespace; every distinct token ("Kunden,") is classified once per process
    and remembered (`raw_info`, `form_info`), so that the common case is one dict
    lookup per token, run in C through map(). A word form is only lemmatized
    when its beginning could lead to a term (`_may_match`). Positions come from
    itertools.compress; Python code runs only for tokens that can count.
    """

    def __init__(self, taxonomy, place_weights=None):
        self.taxonomy = taxonomy
        self.topics = taxonomy.topics
        self.place_weights = dict(PLACE_WEIGHTS, **(place_weights or {}))
        self.word_terms = defaultdict(list)
        self.anchors = defaultdict(list)  # key → (anchor position, keysets, Ref)
        self.parts = []
        self.prefix4, self.prefix3 = set(), set()
        for index, topic in enumerate(self.topics):
            for spec in topic.terms:
                self._add_term(index, spec, negative=False)
            for spec in topic.negative:
                self._add_term(index, spec, negative=True)
            listed = {_cf(spec.text) for spec in topic.parts}
            for spec in topic.parts:
                ref = Ref(index, spec.text, spec.weight, False)
                self.parts.append((_cf(spec.text), ref, spec.head))
            for spec in topic.terms:
                # A noun term also counts as the head or modifier of a compound
                # ("Pauschale" in "Versandpauschale", "Kündigung" in
                # "Kündigungsseite"), a little weaker than the word itself.
                if _compound_member(spec) and _cf(spec.text) not in listed:
                    ref = Ref(index, spec.text.lower(), round(spec.weight * COMPOUND_WEIGHT, 3), False)
                    self.parts.append((_cf(spec.text), ref, False))
        self.parts.sort(key=lambda item: (-len(item[0]), item[0], item[1].topic))
        self.parts_re = (
            re.compile("|".join(re.escape(p) for p, _ref, _head in self.parts)) if self.parts else None
        )
        for key in list(self.word_terms) + list(self.anchors):
            self._add_prefix(key)
        self.separable = defaultdict(list)  # particle → (verb lemma, Ref)
        for index, topic in enumerate(self.topics):
            for spec in topic.terms:
                self._add_separable(index, spec)
        self._relevant = {}
        self._irrelevant = set()
        self._keys = {}
        self._raw = {}  # whitespace token → raw_info + (_needs_resolving,), only when something can count
        self._tokens = {}  # whitespace token → its word forms, for phrases and particles
        self._phrase_words = {}  # whitespace token → _phrase_word()
        self._raw_class = {}  # whitespace token → RELEVANT | ENDER bits, for every token seen

    # -- compiling ---------------------------------------------------------

    def _term_keys(self, word, exact):
        cf = _cf(word)
        if exact or cf in STOPWORDS:  # simplemma maps "dem", "die" … all to "der"
            return frozenset((cf,))
        return frozenset((cf, _cf(lemmas.lemma(word))))

    def _add_term(self, index, spec, negative):
        words = spec.text.split(" ")
        ref = Ref(index, spec.text, spec.weight, negative, spec.intensifier, _cf(words[0]), spec.heading)
        if len(words) == 1:
            keys = self._term_keys(words[0], spec.exact)
            if not spec.exact and not negative:
                keys |= weak_verb_forms(words[0])
            for key in keys:
                self.word_terms[key].append(ref)
            return
        keysets = tuple(self._term_keys(w, spec.exact) for w in words)
        # Anchor a phrase on its most specific word: "auf Augenhöhe" waits for
        # "Augenhöhe", so a common "auf" does not make every sentence a candidate.
        anchor = max(range(len(words)), key=lambda i: (_cf(words[i]) not in STOPWORDS, len(words[i]), -i))
        for key in keysets[anchor]:
            self.anchors[key].append((anchor, keysets, ref))
        for keyset in keysets:
            for key in keyset:
                self._add_prefix(key)

    def _add_separable(self, index, spec):
        """"offenlegen" waits for "offen" at a clause end and "legen" before it;
        "offen sagen" for "offen" and "sagen"."""
        if spec.heading:
            return
        ref = Ref(index, spec.text, spec.weight, False)
        words = spec.text.split(" ")
        if len(words) == 2 and words[0].islower() and words[0] not in STOPWORDS and words[1].islower():
            self.separable[_cf(words[0])].append((_cf(words[1]), ref))
            return
        if len(words) != 1 or not spec.text.islower() or not spec.text.endswith(("en", "ern", "eln")):
            return
        for particle in sorted(PARTICLES, key=len, reverse=True):
            verb = spec.text[len(particle):]
            if spec.text.startswith(particle) and len(verb) >= 4:
                self.separable[particle].append((_cf(verb), ref))
                return

    def _add_prefix(self, key):
        folded = key.translate(FOLD)
        self.prefix4.add(folded[:4])
        if folded.endswith(("en", "ern", "eln")) and key.islower():
            self.prefix3.add(folded[:3])  # verbs: "behoben" → beheben, "angerufen" → anrufen

    def _may_match(self, cf):
        """Could this form's lemma be a term? False means: no need to lemmatize it."""
        folded = cf.translate(FOLD)
        if folded[:4] in self.prefix4 or folded[:3] in self.prefix3:
            return True
        for infix in ("ge", "zu"):
            at = folded.find(infix, 0, 7)
            while at != -1:
                rest = folded[:at] + folded[at + 2:]
                if rest[:4] in self.prefix4 or rest[:3] in self.prefix3:
                    return True
                at = folded.find(infix, at + 1, 7)
        return False

    # -- per word form -----------------------------------------------------

    def keys_of(self, form):
        try:
            return self._keys[form]
        except KeyError:
            keys = token_keys(form)
            if len(keys) == 1 and form[:1].isupper():
                keys += self._capitalized_adjective(keys[0])
            self._keys[form] = keys
            return keys

    def _capitalized_adjective(self, cf):
        """An inflected adjective opening a title or sentence ("Persönliche
        Empfehlungen", "Ehrliche Antwort") is unknown to simplemma as a noun:
        its stem counts when it is a term ("persönlich", "zugeschnitten")."""
        for end in ADJECTIVE_ENDINGS:
            stem = cf[: -len(end)]
            if cf.endswith(end) and len(stem) > 3 and (stem in self.word_terms or stem in self.anchors):
                return (stem,)
        return ()

    def form_info(self, form):
        """FormInfo for a surface form, or None when it can never count."""
        info = self._relevant.get(form)
        if info is not None or form in self._irrelevant:
            return info
        info = self._analyze(form)
        if info is None:
            self._irrelevant.add(form)
        else:
            self._relevant[form] = info
        return info

    def _analyze(self, form):
        hashtag = form.startswith("#")
        core = form[1:] if hashtag else form
        if not core:
            return None
        found = {}

        def record(ref, needs_context=False):
            old = found.get(ref.topic)
            if old is None or _better(ref, old[0]):
                found[ref.topic] = (ref, needs_context)

        subs = lemmas.split_hyphens(core)
        if len(subs) == 1 and hashtag:
            subs = lemmas.split_camel(core)
        cf = _cf(core)
        whole = len(subs) == 1
        if whole and not self._may_match(cf) and not (
            self.parts_re is not None and self.parts_re.search(cf)
        ):
            return None
        core_keys = self.keys_of(core)
        # A capitalized form with a noun lemma of its own is that noun: "Zahlen"
        # (numbers) is not the verb "zahlen", whose term is written in lower case.
        noun = core[:1].isupper() and len(core_keys) > 1
        for key in core_keys:
            for ref in self.word_terms.get(key, ()):
                if noun and key == cf and ref.term[:1].islower():
                    continue
                record(ref, ref.intensifier and cf == ref.bare)
        anchors = ()
        if not whole:
            sub_keys = [self.keys_of(sub) for sub in subs]
            for i in range(len(subs)):
                for key in sub_keys[i]:
                    for position, keysets, ref in self.anchors.get(key, ()):
                        start = i - position
                        if start >= 0 and start + len(keysets) <= len(subs) and all(
                            keysets[k].intersection(sub_keys[start + k]) for k in range(len(keysets))
                        ):
                            record(ref)
            for sub in subs:
                info = self.form_info(sub)
                if info is not None:
                    for ref, needs_context in info.hits:
                        if not needs_context:
                            record(ref)
        else:
            for ref in self._compound_refs(cf):
                record(ref)
            anchors = tuple(entry for key in core_keys for entry in self.anchors.get(key, ()))
        if not found and not anchors:
            return None
        hits = tuple(found[t] for t in sorted(found))
        return FormInfo(hits=hits, anchors=anchors)

    def _compound_refs(self, cf):
        if self.parts_re is None or not self.parts_re.search(cf):
            return []
        refs = []
        for part, ref, head in self.parts:
            start = cf.find(part)
            while start != -1:
                left, right = cf[:start], cf[start + len(part):]
                # A head-only part ("daten") counts in "Kundendaten", not in "Datenvolumen".
                at_end = not head or (left and right in INFLECTIONS)
                if at_end and _left_ok(left) and _right_ok(right):
                    refs.append(ref)
                    break
                start = cf.find(part, start + 1)
        return refs

    # -- scanning ----------------------------------------------------------

    def raw_info(self, raw):
        """For a whitespace-separated token ("„Vertrauen“,"): what it can contribute.

        (simple, special, particle): `simple` are (topic, Ref, form) hits that
        need no context; `special` are (form, FormInfo, closed_left, closed_right)
        for intensifier terms and phrase anchors, where closed_* says punctuation
        sits on that side (a phrase or an intensifier does not reach across it);
        `particle` is (form, [(verb, Ref)]) for a particle of a separable verb
        that ends a clause ("offen,"), else None. None when nothing in the token
        can count. Cached by the caller.
        """
        if raw.lstrip(OPENERS).startswith(("@", "^")):
            return None  # a handle ("@misstrauisch") or a signature ("^jk") is a name, not a word
        forms = lemmas.tokenize(raw)
        simple, special = [], []
        particle = None
        if len(forms) == 1 and forms[0] in self.separable and raw.rstrip(CLOSERS)[-1:] in CLAUSE_END:
            particle = (forms[0], self.separable[forms[0]])
        for form in forms:
            info = self.form_info(form)
            if info is None:
                continue
            context = False
            for ref, needs_context in info.hits:
                if needs_context:
                    context = True
                else:
                    simple.append((ref.topic, ref, form))
            if context or info.anchors:
                special.append((form, info, not raw.startswith(form) or len(forms) > 1,
                                not raw.endswith(form) or len(forms) > 1))
        if not simple and not special and particle is None:
            return None
        return tuple(simple), tuple(special), particle

    def scan(self, text, split=True):
        """(word count, hits, words, sentence starts) for the text of one place.

        hits: (sentence number, topic, Ref, word, first, end) with token indices.
        The fast path runs in C: one str.split(), one dict lookup per token via
        map(), and itertools.compress for the positions; Python code only runs
        for tokens never seen before and for tokens that can count.
        """
        words = text.split()
        classes = self._raw_class
        flags = list(map(classes.get, words))
        if None in flags:
            for raw in set(compress(words, map(operator.is_, flags, repeat(None)))):
                info = self.raw_info(raw) if raw != BOUNDARY else None
                if info is not None:
                    self._raw[raw] = info + (_needs_resolving(info),)
                classes[raw] = (RELEVANT if info else 0) | (ENDER if raw == BOUNDARY or ending(raw) else 0)
            flags = list(map(classes.__getitem__, words))
        count = len(words) - words.count(BOUNDARY)
        positions = list(compress(range(len(words)), map(RELEVANT.__and__, flags)))
        closing = self._closing_particle(words)  # a bare particle: no clause end in raw_info
        if not positions and closing is None:
            return count, [], words, [0]
        if split:
            starts = sentence_starts(words, list(compress(range(len(words)), map(ENDER.__and__, flags))))
        else:
            starts = [0]
        # Most hits are `plain`: positive one-word hits of a token without
        # phrases, particles or intensifiers, one per topic; they never compete
        # with each other, so _neutralize only checks whether a phrase or a
        # negative term covers them. All others compete (`hits`).
        hits, plain = [], []
        append = hits.append
        add_plain = plain.append if closing is None else append  # the closing particle's token competes
        raw_map = self._raw
        last = len(words) - 1
        single = len(starts) == 1
        bisect_right = bisect.bisect_right
        for i in positions:
            simple, special, particle, odd = raw_map[words[i]]
            sentence = 0 if single else bisect_right(starts, i) - 1
            if not odd:
                for topic, ref, form in simple:
                    add_plain((sentence, topic, ref, form, i, i + 1))
                continue
            if particle is not None:
                self._separable(words, i, starts[sentence], particle, sentence, append)
            for topic, ref, form in simple:
                append((sentence, topic, ref, form, i, i + 1))
            for form, info, closed_left, closed_right in special:
                for ref, needs_context in info.hits:
                    if not needs_context:
                        continue
                    if not closed_right and i < last and self._intensifies(words[i + 1]):
                        continue
                    append((sentence, ref.topic, ref, form, i, i + 1))
                for position, keysets, ref in info.anchors:
                    if (closed_left and position > 0) or (closed_right and position < len(keysets) - 1):
                        continue
                    first = i - position
                    end = first + len(keysets)
                    if first < 0 or end > len(words):
                        continue
                    if first < starts[sentence] or (sentence + 1 < len(starts) and end > starts[sentence + 1]):
                        continue
                    shown = self._phrase(words, first, end, i, keysets)
                    if shown:
                        append((sentence, ref.topic, ref, shown, first, end))
        if closing is not None:
            sentence = len(starts) - 1
            self._separable(words, closing, starts[sentence], (words[closing], self.separable[words[closing]]),
                            sentence, append)
        hits = [hit for hit in hits if not self._part_of_separable(words, hit)]
        plain = [hit for hit in plain if not self._part_of_separable(words, hit)]
        return count, _neutralize(hits, plain), words, starts

    def _part_of_separable(self, words, hit):
        """Is this a verb term's form whose clause ends in a particle that makes it
        another verb? "Wir kündigen die Arbeiten vorher an." is "ankündigen", not
        "kündigen"; "Wir teilen Ihnen mit" is "mitteilen", not "teilen"."""
        ref, form, at = hit[2], hit[3], hit[4]
        if not form.islower() or not ref.term.islower() or " " in ref.term:
            return False
        if words[at].rstrip(CLOSERS)[-1:] in CLAUSE_END:
            return False
        for j in range(at + 1, min(len(words), at + SEPARABLE_REACH)):
            raw = words[j]
            if raw == BOUNDARY:
                return False
            stripped = raw.rstrip(CLOSERS)
            if stripped[-1:] in CLAUSE_END:
                particle = stripped.rstrip(CLAUSE_END).lstrip(OPENERS).casefold()
                if particle not in PARTICLES:
                    return False
                verbs = self.keys_of(form)[1:] + _strong_infinitives(form) or (form,)
                return any(lemmas.is_known(particle + verb) for verb in verbs if verb.endswith("n"))
        return False

    def _forms(self, raw):
        """lemmas.tokenize(raw), remembered: phrases and particles look at the same
        neighbouring tokens again and again."""
        try:
            return self._tokens[raw]
        except KeyError:
            forms = self._tokens[raw] = lemmas.tokenize(raw)
            return forms

    def _closing_particle(self, words):
        """Index of the last word when it is a particle without a full stop
        (a title or heading ending in "offen"), else None; it ends a clause too."""
        if words and words[-1] != BOUNDARY and words[-1] not in self.separable:
            return None
        end = len(words) - 1
        while end >= 0 and words[end] == BOUNDARY:
            end -= 1
        if end < 1 or words[end] not in self.separable:
            return None
        return end

    def _separable(self, words, at, sentence_start, particle, sentence, append):
        """Hits of separable verbs whose particle ends a clause at `at`: the verb is
        looked for earlier in the same clause ("Wir legen die Zahlen offen.")."""
        particle_form, entries = particle
        for j in range(at - 1, max(sentence_start, at - SEPARABLE_REACH) - 1, -1):
            raw = words[j]
            if raw == BOUNDARY or raw.rstrip(CLOSERS)[-1:] in CLAUSE_END:
                return
            forms = self._forms(raw)
            if len(forms) != 1 or (forms[0][:1].isupper() and j != sentence_start):
                continue
            keys = self.keys_of(forms[0]) + _strong_infinitives(forms[0])
            for verb, ref in entries:
                if verb in keys:
                    append((sentence, ref.topic, ref, f"{forms[0]} … {particle_form}", at, at + 1))

    def _intensifies(self, following):
        """Is `following` a plain word (no opening punctuation) that an "echt" would intensify?"""
        forms = self._forms(following)
        return bool(forms) and following.startswith(forms[0]) and forms[0].casefold() not in NOT_INTENSIFIED

    def _phrase(self, words, first, end, anchor, keysets):
        """The phrase's words when words[first:end] match keysets without punctuation inside."""
        shown = []
        cache = self._phrase_words
        for k in range(first, end):
            raw = words[k]
            word = cache.get(raw)
            if word is None:
                word = cache[raw] = self._phrase_word(raw)
            form, keys, open_left, open_right = word
            if form is None or (k > first and not open_left) or (k < end - 1 and not open_right):
                return None
            if k != anchor and keysets[k - first].isdisjoint(keys):
                return None
            shown.append(form)
        return " ".join(shown)

    def _phrase_word(self, raw):
        """(form, keys, nothing before it, nothing after it) of a token inside a
        phrase; form None when the token is no single word. Worked out once per token."""
        forms = self._forms(raw)
        if len(forms) != 1:
            return None, (), False, False
        form = forms[0]
        return form, self.keys_of(form), raw.startswith(form), raw.endswith(form)

    # -- documents ---------------------------------------------------------

    def analyze(self, places):
        """Score every topic with evidence in a document's places (text.Places).

        Hits are kept per topic in reading order, places in PLACE_ORDER (title,
        summary, headings, body), which is the order the evidence wants: no
        sorting, and a hit is only looked at again if its topic is strong.
        """
        per_topic = {}  # topic index → ([positive hits], [negative hits]) as (place, number, hit, where)
        body_words = 0
        sources = [("title", places.title, False)]
        if places.summary:
            sources.append(("summary", places.summary, True))
        sources += [("heading", h, False) for h in places.headings]
        sources.append(("body", places.body, True))
        for number, (place, text, split) in enumerate(sources):
            if not text:
                continue
            count, hits, words, starts = self.scan(text, split)
            if place == "body":
                body_words = count
            if not hits:
                continue
            where = (words, starts)
            heading_place = place in HEADING_PLACES
            for hit in hits:
                ref = hit[2]
                if ref.heading and not heading_place:
                    continue
                lists = per_topic.get(hit[1])
                if lists is None:
                    lists = per_topic[hit[1]] = ([], [])
                lists[ref.negative].append((place, number, hit, where))
        norm = max(1.0, (body_words / BODY_NORM_WORDS) ** BODY_NORM_POWER)
        weights = self.place_weights
        sentences = {}  # one string object per sentence: the pickled cache stores it once
        result = {}
        for topic_index in sorted(per_topic):
            positive, negative = per_topic[topic_index]
            if not positive:
                continue
            topic = self.topics[topic_index]
            # Each kind of place comes as one run (see above), so repetitions are
            # counted per term within the run, and a new sentence is a new spot.
            sums = {"title": 0.0, "heading": 0.0, "summary": 0.0, "body": 0.0}
            spots = 0
            current = last_number = last_sentence = None
            for place, number, hit, _where in positive:
                if place != current:
                    current, seen, weight = place, {}, weights[place]
                if number != last_number or hit[0] != last_sentence:
                    spots += 1
                    last_number, last_sentence = number, hit[0]
                ref = hit[2]
                repeated = seen[ref.term] = seen.get(ref.term, 0) + 1
                sums[place] += weight * ref.weight / repeated
            penalty = sum(weights[place] * hit[2].weight for place, _n, hit, _w in negative)
            raw = sums["title"] + sums["heading"] + sums["summary"] + sums["body"] / norm
            score = round(topic.weight * raw - penalty, 3)
            # Passing mentions far below the threshold get no evidence: the report
            # leaves them out, and building sentences is most of the cost here.
            strong = score >= topic.threshold / 2
            result[topic.slug] = {
                "score": score,
                "places": spots,
                "title": bool(sums["title"]),
                "evidence": _evidence(positive, sentences) if strong else [],
                "negative": _evidence(negative, sentences) if strong else [],
            }
        return {"words": body_words, "topics": result}


def _needs_resolving(info):
    """Must a token with this raw_info() have its hits resolved against each other?"""
    simple, special, particle = info
    topics = {topic for topic, _ref, _form in simple}
    return bool(special or particle is not None or len(topics) < len(simple)
                or any(ref.negative for _topic, ref, _form in simple))


def _better(new, old):
    """Per token and topic one hit: a negative term wins, then the heavier term.

    On equal weight the lower-case entry wins, i.e. a compound part over the
    term it also is ("störung" over "Störung"): repetitions are discounted per
    term, and "Mindestlaufzeit" and "Laufzeit" are then repetitions of one root.
    """
    if new.negative != old.negative:
        return new.negative
    return (new.weight, new.term) > (old.weight, old.term)


def _neutralize(hits, plain=()):
    """One hit per topic and stretch of words, by first token.

    A negative term of a topic cancels the positive hits it overlaps
    ("Ruhestörung", "ehrlich gesagt"); of overlapping positive hits the longer
    one stays ("persönliche Daten" rather than also "Daten"). `plain` are
    positive one-word hits that share no token and topic with each other or
    with a one-word hit of `hits`: only phrases and negative terms can cancel them.
    """
    if plain:
        if not hits:
            return plain
        if all(hit[5] - hit[4] == 1 and not hit[2].negative for hit in hits):
            # Nothing can cancel a plain hit: resolve the rest, merge by position.
            merged = plain + _neutralize(hits)
            merged.sort(key=_FIRST)
            return merged
    elif len(hits) < 2:
        return hits
    simple = True
    for hit in hits:
        if hit[5] - hit[4] > 1 or hit[2].negative:
            simple = False
            break
    if simple:  # single words only: at most one hit per topic and token
        unique = {}
        for hit in hits:
            old = unique.get((hit[4], hit[1]))
            if old is None or _better(hit[2], old[2]):
                unique[(hit[4], hit[1])] = hit
        return list(unique.values()) if len(unique) < len(hits) else hits
    # Spans are runs of token positions, so two overlap exactly when they share
    # a position: sets of covered positions per topic make each check O(length)
    # instead of comparing every pair of hits (long texts have hundreds).
    # Longer hits claim their tokens first, so the phrases are ranked among
    # themselves; a one-word hit can then only lose to a phrase or a negative
    # term on its token, or to a heavier (else smaller, else earlier) one-word
    # hit of its topic there, which needs no ranking of all hits.
    blocked = {}
    negatives, phrases, singles = [], [], {}
    for hit in hits:
        if hit[2].negative:
            negatives.append(hit)
            blocked.setdefault(hit[1], set()).update(range(hit[4], hit[5]))
        elif hit[5] - hit[4] > 1:
            phrases.append(hit)
        else:
            old = singles.get((hit[4], hit[1]))
            if old is None or (-hit[2].weight, hit[2].term) < (-old[2].weight, old[2].term):
                singles[(hit[4], hit[1])] = hit
    phrases.sort(key=lambda h: (-(h[5] - h[4]), -h[2].weight, h[4], h[2].term))
    kept, taken = [], {}
    for hit in phrases:
        topic, span = hit[1], range(hit[4], hit[5])
        covered = taken.get(topic)
        if covered is None:
            covered = taken[topic] = set()
        stop = blocked.get(topic)
        if not covered.isdisjoint(span) or (stop is not None and not stop.isdisjoint(span)):
            continue
        covered.update(span)
        kept.append(hit)
    for (start, topic), hit in singles.items():
        covered, stop = taken.get(topic), blocked.get(topic)
        if (covered is None or start not in covered) and (stop is None or start not in stop):
            kept.append(hit)
    if taken or blocked:
        for hit in plain:
            covered, stop = taken.get(hit[1]), blocked.get(hit[1])
            if (covered is None or hit[4] not in covered) and (stop is None or hit[4] not in stop):
                kept.append(hit)
    else:
        kept += plain
    # Kept positive hits never share a first token and a topic; on a tie with a
    # negative hit the positive one comes first (a stable sort keeps them so).
    kept += negatives
    kept.sort(key=_FIRST_AND_TOPIC)
    return kept


_FIRST = operator.itemgetter(4)
_FIRST_AND_TOPIC = operator.itemgetter(4, 1)


UMLAUTS = str.maketrans("äöü", "aou")


def weak_verb_forms(word):
    """Present and past forms of a regular verb term ("beschönigen" → "beschönigt",
    "beschönigte", "offenlegen" → "offengelegt", "duzen" → "geduzt", "vermasseln" →
    "vermasselt"). simplemma takes some of them for
    adjectives of their own and keeps them as lemmas, so the token never reaches
    the verb; a strong verb's made-up forms ("ausgefallt") simply never occur."""
    cf = _cf(word)
    if not word.islower() or not cf.endswith("n") or len(cf) < 5:
        return frozenset()
    if cf.endswith(("eln", "ern")):
        # "vermasseln" → "vermasselt", "speichern" → "gespeichert": the -e- stays.
        stem, joint = cf[:-1], ""
    elif cf.endswith("en"):
        stem = cf[:-2]
        # "begründet", "öffnet", "rechnet", but "wohnt", "filmt".
        joint = "e" if stem.endswith(("t", "d")) or (
            stem.endswith(("m", "n")) and (stem[-2:-1] not in "aeiouhlr" or stem[-3:-1] == "ch")) else ""
    else:
        return frozenset()
    # Third person, past tense; with an inseparable prefix or -ieren also the participle.
    forms = {stem + joint + "t", stem + joint + "te", stem + joint + "ten"}
    if not (stem.startswith(INSEPARABLE) or cf.endswith("ieren")):
        # The participle with ge-, after a separable particle: "gezahlt", "offengelegt".
        particle = next((p for p in sorted(PARTICLES, key=len, reverse=True)
                         if stem.startswith(p) and len(stem) - len(p) >= 3), "")
        forms.add(particle + "ge" + stem[len(particle):] + joint + "t")
    return frozenset(forms)


def _compound_member(spec):
    """Can this term count inside compounds? Single nouns of some length only."""
    text = spec.text
    return (" " not in text and "-" not in text and text[:1].isupper() and not text.isupper()
            and len(text) >= MIN_COMPOUND_MEMBER and not spec.exact and not spec.intensifier
            and not spec.heading)


def _strong_infinitives(form):
    """Infinitives a strong verb's third person may belong to, which simplemma
    sometimes misses: "fällt" → fallen (not fällen), "läuft" → laufen, "hält" → halten."""
    if not form.endswith("t") or form == form.translate(UMLAUTS):
        return ()
    stem = form[:-1].translate(UMLAUTS)
    return (stem + "en", stem + "ten")


def _wordlike(segment, depth=1):
    """A German word (or, one level deep, two words) according to simplemma's dictionary."""
    if len(segment) < MIN_PART:
        return False
    if lemmas.is_known(segment):
        return True
    for fuge in FUGEN[1:]:
        if segment.endswith(fuge) and len(segment) - len(fuge) >= MIN_PART:
            if lemmas.is_known(segment[: -len(fuge)]):
                return True
    if depth:
        for i in range(MIN_PART, len(segment) - MIN_PART + 1):
            if _wordlike(segment[:i], 0) and _wordlike(segment[i:], 0):
                return True
    return False


def _left_ok(left):
    return left == "" or (left not in NOT_A_MODIFIER and _wordlike(left))


def _right_ok(right):
    if right in INFLECTIONS:
        return True
    for fuge in FUGEN:
        if right.startswith(fuge) and _wordlike(right[len(fuge):]):
            return True
    return False


def _evidence(items, sentences):
    """At most MAX_EVIDENCE entries, strongest places first, in reading order.

    `items` are (place, source number, hit, (words, starts)) as Matcher.analyze
    collects them: already in that order (sources in PLACE_ORDER, each
    source's hits by sentence), so the first MAX_EVIDENCE distinct ones are taken.
    """
    out, seen = [], set()
    for place, number, hit, (words, starts) in items:
        spot = (number, hit[0])
        sentence = sentences.get(spot)
        if sentence is None:
            sentence = sentences[spot] = sentence_text(words, starts, hit[0])
        word = hit[3]
        key = (word.casefold(), sentence)
        if key in seen:
            continue
        seen.add(key)
        if len(sentence) > MAX_SENTENCE_CHARS:
            sentence = _clip(sentence, word)
        out.append({"word": word, "term": hit[2].term, "place": place, "sentence": sentence})
        if len(out) >= MAX_EVIDENCE:
            break
    return out


def _clip(sentence, word):
    """A window of the sentence around the word, cut at spaces, marked with …"""
    at = sentence.find(word)
    half = MAX_SENTENCE_CHARS // 2
    start = max(0, at - half) if at >= 0 else 0
    end = min(len(sentence), start + MAX_SENTENCE_CHARS)
    piece = sentence[start:end]
    if start > 0:
        piece = "… " + piece.split(" ", 1)[-1]
    if end < len(sentence):
        piece = piece.rsplit(" ", 1)[0] + " …"
    return piece


def short_text_factor(words):
    """How much of a topic's threshold a text of `words` body words must reach.

    A reply of 50 words names its subject once or twice, an article of 300 words
    many times: below SHORT_TEXT_WORDS the threshold shrinks in proportion
    (never below SHORT_TEXT_FACTOR), and one place is spread enough; the
    score needed never drops to a single full-weight word (MIN_TOPIC_SCORE, or
    MIN_SPREAD_SCORE for words in two places)."""
    if words >= SHORT_TEXT_WORDS:
        return 1.0
    return max(SHORT_TEXT_FACTOR, words / SHORT_TEXT_WORDS)


def _floor(data):
    return MIN_TOPIC_SCORE if data["places"] < 2 else MIN_SPREAD_SCORE


def score_enough(data, threshold, factor):
    """Does the score alone make the topic: the threshold (times the short-text factor)
    and the floor that keeps a single word a mention?"""
    return data["score"] >= max(round(threshold * factor, 3), _floor(data))


def _near_enough(data, threshold):
    """At least MODEL_NEAR of the threshold (evidence is kept from there on) and the floor."""
    return data["score"] >= max(round(threshold * MODEL_NEAR, 3), _floor(data))


def near_miss(data, threshold, factor):
    """Too little for the score alone, but near enough: the model (model.py) decides."""
    return not score_enough(data, threshold, factor) and _near_enough(data, threshold)


def model_confirms(data, threshold):
    """A near miss the model found likely: it counts, with the matcher's evidence."""
    return data.get("model", 0.0) >= MODEL_CONFIRMS and _near_enough(data, threshold)


def decide(analysis, taxonomy, max_auto=5, exclude=(), present=()):
    """Which topics a document gets automatically, and the near misses.

    `present` are slugs the editor already tagged (not added twice), `exclude`
    slugs the editor turned off. Sorted by score, then slug: deterministic.
    """
    topics = taxonomy.by_slug()
    assigned, candidates = [], []
    words = analysis.get("words", SHORT_TEXT_WORDS)
    factor = short_text_factor(words)
    ranked = sorted(analysis["topics"].items(), key=lambda item: (-item[1]["score"], item[0]))
    for slug, data in ranked:
        topic = topics.get(slug)
        if topic is None:
            continue
        enough = score_enough(data, topic.threshold, factor) or model_confirms(data, topic.threshold)
        spread = data["places"] >= 2 or data["title"] or words < SHORT_TEXT_ONE_PLACE
        if slug in exclude:
            reason = "excluded"
        elif slug in present:
            reason = "manual"
        elif not enough:
            reason = "below-threshold"
        elif not spread:
            reason = "one-place"
        elif len(assigned) >= max_auto:
            reason = "limit"
        else:
            assigned.append(slug)
            continue
        candidates.append((slug, reason))
    return assigned, candidates
