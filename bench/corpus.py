"""German benchmark corpus: N articles (~550 words each) with tags, categories,
authors, headings, lists and links, plus FAQ entries and outage notices in
proportion (1 FAQ entry per 40 articles; six notices plus 1 per 400 articles).

Articles and FAQ entries are deterministic: the same seed and N always give
byte-identical files, so timings of different runs and machines compare like
with like. Everything whose meaning depends on the clock is written relative
to the `now` it is given (default: the real clock), because the benchmark
builds with the clock running as in real use: an incident that is still
open, maintenance windows ahead, one cancelled and past ones, and one
article scheduled for the coming days. The sentences are assembled from word
lists written for this project.
"""

import datetime as dt
import glob
import os
import random
import shutil

from german.dates import BERLIN
from german.slugs import SLUG_MAX_LENGTH, shorten, slugify

from . import corpus_now

SUBJECTS = [
    "Unser Serviceteam", "Die Hotline", "Das Social-Media-Team", "Der Kundendialog",
    "Die Störungsstelle", "Unsere Technik", "Das Kundenportal", "Die Netzleitstelle",
    "Jede Antwort", "Ein gutes Gespräch", "Die Rückmeldung unserer Kundschaft", "Der Chat",
]
VERBS = [
    "erklärt", "verbessert", "prüft", "beschreibt", "begleitet", "dokumentiert",
    "beantwortet", "vereinfacht", "ordnet", "beobachtet", "beschleunigt", "bündelt",
]
OBJECTS = [
    "jede Störungsmeldung", "die Wartezeiten am Telefon", "den Tarifwechsel",
    "die Rechnung im Kundenportal", "den Netzausbau in Kiel", "das Kundenvertrauen",
    "die Erreichbarkeit am Wochenende", "den Datenschutz im Chat", "jede Beschwerde",
    "die Umstellung auf Glasfaser", "den Routertausch", "die Antwortzeiten in sozialen Netzwerken",
]
ADVERBIALS = [
    "seit dem letzten Frühjahr", "in enger Abstimmung mit der Technik", "ohne Textbausteine",
    "mit klaren Zuständigkeiten", "rund um die Uhr", "zum Beispiel bei einem Netzausfall",
    "auch an Feiertagen", "für Privat- und Geschäftskunden", "mit offenen Zahlen",
    "nach einem festen Ablauf", "im direkten Austausch", "bei jeder Wartung",
]
CLAUSES = [
    "weil Transparenz Vertrauen schafft", "damit niemand zweimal anrufen muss",
    "denn Authentizität lässt sich nicht vortäuschen", "sodass Rückfragen seltener werden",
    "obwohl das mehr Aufwand bedeutet", "wenn die Lage unübersichtlich ist",
    "bevor Gerüchte entstehen", "während die Techniker noch arbeiten",
]
HEADINGS = [
    "Was wir gelernt haben", "Worauf es ankommt", "Ein Beispiel aus dem Alltag",
    "Was sich ändert", "Warum das wichtig ist", "Die nächsten Schritte", "Zahlen und Fakten",
    "Wie wir vorgehen", "Was Kundinnen und Kunden erwarten", "Offene Fragen",
]
TITLE_PATTERNS = [
    "{a} im Kundenservice", "Warum {a} zählt", "{a}: ein Erfahrungsbericht",
    "So verbessern wir {a}", "{a} bei Störungen", "Fünf Fragen zu {a}", "{a} und Social Media",
]
TITLE_TOPICS = [
    "Vertrauen", "Authentizität", "Transparenz", "Erreichbarkeit", "Datenschutz", "Tonalität",
    "Personalisierung", "Krisenkommunikation", "Reaktionszeit", "Kundendialog", "Outsourcing",
    "Wartungsarbeiten", "Netzausfall", "Glasfaser", "Kundenportal", "Hotline", "Rechnung",
]
TAGS = TITLE_TOPICS + [
    "Störung", "Social Media", "Mobilfunk", "Festnetz", "Internet", "Kritik", "Chat", "E-Mail",
    "Feedback", "Schulung", "Barrierefreiheit", "Sicherheit", "Tarife", "Umzug", "Router",
    "Geschäftskunden", "Wartezeiten", "Service-Qualität", "Großkunden", "Öffnungszeiten",
    "Netzausbau", "Störungskarte", "Statusseite", "Kundenzufriedenheit", "Beschwerden",
    "Mastodon", "Bluesky", "Community", "Fehlerkultur", "Ehrlichkeit", "Nachhaltigkeit",
    "Digitalisierung", "Zuständigkeit", "Rückruf", "Selbsthilfe", "Anleitungen", "Lernen",
]
CATEGORIES = ["Kundendialog", "Social Media", "Störungen", "Service-Strategie",
              "Technik", "Hintergrund", "Tipps", "In eigener Sache"]
AUTHORS = ["Miriam Albers", "Jonas Petersen", "Aylin Demir", "Sven Hansen", "Lea Wagner",
           "Mehmet Yilmaz", "Katrin Jürgens", "Paul Schröder", "Nina Öztürk", "Tobias Krüger",
           "Hanna Möller", "David Weiß"]
FAQ_CATEGORIES = ["Rechnung", "Störung", "Vertrag", "Konto", "Social Media"]
START = dt.datetime(2016, 1, 4, 8, 0)
SPAN_HOURS = 10 * 365 * 24  # ten years of articles, whatever N is, all in the past


def _capital(text):
    return text[:1].upper() + text[1:]


QUOTES = [
    "Das hat mir wirklich geholfen", "Warum sagt mir das niemand vorher", "Danke für die schnelle Antwort",
    "So stelle ich mir Service vor", "Ich warte seit einer Stunde", "Endlich eine ehrliche Auskunft",
]


def _sentence(rng):
    if rng.random() < 0.06:  # real service texts quote customers now and then
        return f'Eine Kundin schrieb uns: "{rng.choice(QUOTES)}."'
    text = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(ADVERBIALS)}"
    if rng.random() < 0.5:
        text += f", {rng.choice(CLAUSES)}"
    return text + "."


def _paragraph(rng, sentences):
    return " ".join(_sentence(rng) for _ in range(sentences))


def _body(rng, earlier_slugs, words=480):
    parts, count = [], 0
    parts.append(_paragraph(rng, 4))
    count += len(parts[-1].split())
    section = 0
    while count < words:
        section += 1
        parts.append(f"## {rng.choice(HEADINGS)} ({section})")
        paragraph = _paragraph(rng, rng.randint(3, 6))
        if earlier_slugs and rng.random() < 0.3:
            target = rng.choice(earlier_slugs)
            paragraph += f" Mehr dazu steht im [Beitrag vom Archiv]({{filename}}/artikel/{target}.md)."
        parts.append(paragraph)
        count += len(paragraph.split())
        if section == 2:
            items = [f"- {_capital(rng.choice(OBJECTS))} {rng.choice(ADVERBIALS)}" for _ in range(4)]
            parts.append("\n".join(items))
            count += sum(len(i.split()) for i in items)
    return "\n\n".join(parts) + "\n"


def _unambiguous(wall):
    """`wall` (naive, Berlin), an hour later when the clocks skip it or show it twice that
    night: an editor writes no such time without an offset, and the build refuses it."""
    if wall.replace(tzinfo=BERLIN, fold=0).utcoffset() != wall.replace(tzinfo=BERLIN, fold=1).utcoffset():
        return wall + dt.timedelta(hours=1)
    return wall


def article_files(n, seed=4000):
    rng = random.Random(seed)
    slugs = []
    step = SPAN_HOURS / max(n, 1)
    for index in range(n):
        topic = rng.choice(TITLE_TOPICS)
        title = rng.choice(TITLE_PATTERNS).format(a=topic) + f" – Teil {index + 1}"
        slug = slugify(title)
        date = _unambiguous(START + dt.timedelta(hours=int(step * index) + rng.random() * step * 0.5))
        tags = rng.sample(TAGS, rng.randint(2, 4))
        meta = [
            f"Title: {title}",
            f"Date: {date:%Y-%m-%d %H:%M}",
            f"Category: {rng.choice(CATEGORIES)}",
            f"Tags: {', '.join(tags)}",
            f"Authors: {rng.choice(AUTHORS)}",
        ]
        if rng.random() < 0.6:
            meta.append(f"Summary: {_sentence(rng)}")
        body = _body(rng, slugs[-200:])
        slugs.append(slug)
        yield f"artikel/{slug}.md", "\n".join(meta) + "\n\n" + body


def faq_files(n_articles, article_slugs, seed=40):
    rng = random.Random(seed)
    for index in range(max(1, n_articles // 40)):
        question = f"Wie funktioniert {rng.choice(OBJECTS)} {rng.choice(ADVERBIALS)} (Frage {index + 1})?"
        # File names are addresses (at most 80 characters); the number keeps them apart.
        number = f"-frage-{index + 1}"
        slug = shorten(slugify(question.rsplit(" (", 1)[0]), SLUG_MAX_LENGTH - len(number)) + number
        meta = [
            f"Question: {question}",
            f"Category: {rng.choice(FAQ_CATEGORIES)}",
            f"Order: {index % 9 + 1}",
            f"Tags: {', '.join(rng.sample(TAGS, 2))}",
            f"Related: {rng.choice(article_slugs)}",
            f"Summary: {_sentence(rng)}",
            f"Modified: {_unambiguous(START + dt.timedelta(days=index * 7)):%Y-%m-%d %H:%M}",
        ]
        yield f"faq/{slug}.md", "\n".join(meta) + "\n\n" + _paragraph(rng, 8) + "\n"


def write_corpus(target, n=4000, project_content="content", now=None):
    """Write the corpus under target/content; returns the content path.

    `now` (an aware datetime, default the clock) places the notices and the
    scheduled article; the articles and FAQ entries do not depend on it.
    """
    now = now or dt.datetime.now(BERLIN)
    content = os.path.join(target, "content")
    shutil.rmtree(content, ignore_errors=True)
    articles = list(article_files(n))
    slugs = [os.path.basename(path)[:-3] for path, _ in articles]
    scheduled = corpus_now.scheduled_article(now, _body(random.Random(n), slugs[-20:]))
    notices = list(corpus_now.notice_files(now, n))
    for rel, text in articles + list(faq_files(n, slugs)) + [scheduled] + notices:
        _write(content, rel, text)
    # Pages, components, taxonomy and images come from the sample site.
    for folder in ("seiten", "status", "bilder"):
        source = os.path.join(project_content, folder)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(content, folder))
    for name in ("themen.yml",):
        source = os.path.join(project_content, name)
        if os.path.isfile(source):
            shutil.copy(source, os.path.join(content, name))
    return content


def notice_slug(content, prefix=corpus_now.UPCOMING_MAINTENANCE):
    """The address of the corpus's notice whose address starts with `prefix`."""
    found = sorted(glob.glob(os.path.join(content, "stoerungen", prefix + "-*.md")))
    return os.path.basename(found[0])[:-3]


def newest_article(content, n):
    """Path of the article generated last (dated last, so on the first home page)."""
    return glob.glob(os.path.join(content, "artikel", f"*-teil-{n}.md"))[0]


def _write(base, rel, text):
    path = os.path.join(base, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
