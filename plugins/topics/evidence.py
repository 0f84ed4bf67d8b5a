"""The evidence of a topic as HTML: the Jinja filter `topics_evidence`.

Its own module because the settings register it as a filter before any
report exists, and the report page renders it.
"""

from markupsafe import Markup, escape

PLACE_LABELS = {"title": "Titel", "summary": "Zusammenfassung", "heading": "Zwischenüberschrift",
                "body": "Text"}


def evidence_html(items, limit=None):
    """Jinja filter `topics_evidence`: a list of evidence items as HTML, the
    matched word marked in its sentence. Done here rather than in a template
    macro: at 4,000 documents the macro cost a second of rendering per build.
    Everything from the texts is escaped."""
    parts = ['<ul class="evidence">']
    for item in (items if limit is None else items[:limit]):
        sentence, word, term = item["sentence"], item["word"], item["term"]
        place = escape(PLACE_LABELS.get(item["place"], item["place"]))
        at = sentence.find(word)
        if at >= 0:
            text = f"{escape(sentence[:at])}<mark>{escape(word)}</mark>{escape(sentence[at + len(word):])}"
        else:
            text = f"{escape(sentence)} (<mark>{escape(word)}</mark>)"
        if term.lower() != word.lower():
            text += f' <span class="term">(Begriff: {escape(term)})</span>'
        parts.append(f'\n  <li><span class="place">{place}:</span>\n    {text}</li>')
    parts.append("\n</ul>")
    return Markup("".join(parts))
