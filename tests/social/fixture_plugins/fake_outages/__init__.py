"""Test-only plugin: puts fake outage notices into context["outage_notices"].

They carry exactly the attributes docs/contracts.md promises for the outages
plugin's `Notice`, so the social plugin is tested against the contract, not
against the other plugin's implementation. Notices come from the setting
FAKE_OUTAGE_NOTICES (a list of dicts).
"""

import datetime as dt
import html
import os
from types import SimpleNamespace

from pelican import signals
from pelican.generators import Generator


def _time(value):
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def make_notice(spec, settings):
    slug = spec["slug"]
    rel = f"stoerungen/{slug}.md"
    updates = [
        SimpleNamespace(
            index=i,
            time=_time(u["time"]),
            status=u["status"],
            status_label=u["label"],
            text=u.get("text", ""),
            html=f"<p>{u.get('text', '')}</p>",
            next_update=_time(u.get("next_update")),
            anchor=f"update-{i}",
        )
        for i, u in enumerate(spec["updates"], start=1)
    ]
    return SimpleNamespace(
        title=spec["title"],
        slug=slug,
        url=f"stoerungen/{slug}/",
        save_as=f"stoerungen/{slug}/index.html",
        date=updates[0].time,
        tags=[SimpleNamespace(name=t) for t in spec.get("tags", [])],
        summary="",
        content="",
        source_path=os.path.join(settings["PATH"], rel),
        relative_source_path=rel,
        metadata=dict(spec.get("metadata", {})),
        kind=spec.get("kind", "incident"),
        impact=spec.get("impact", "major"),
        components=[
            {"id": c.lower(), "name": c, "group": "Netz"} for c in spec.get("components", [])
        ],
        updates=updates,
        start=_time(spec.get("start")),
        end=_time(spec.get("end")),
    )


class FakeOutagesGenerator(Generator):
    def generate_context(self):
        notices = [
            make_notice(s, self.settings) for s in self.settings.get("FAKE_OUTAGE_NOTICES", [])
        ]
        self.context["outage_notices"] = notices

    def generate_output(self, writer):
        """A bare page per notice with its og:title, as the live check expects."""
        for notice in self.context["outage_notices"]:
            path = os.path.join(self.output_path, notice.save_as)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            anchors = "".join(
                f'<section id="{u.anchor}"><p>{html.escape(u.text)}</p></section>'
                for u in notice.updates
            )
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(
                    '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">'
                    f"<title>{html.escape(notice.title)}</title>"
                    f'<meta property="og:title" content="{html.escape(notice.title)}">'
                    f"</head><body><h1>{html.escape(notice.title)}</h1>{anchors}</body></html>"
                )


def get_generators(pelican):
    return FakeOutagesGenerator


def register():
    signals.get_generators.connect(get_generators)
