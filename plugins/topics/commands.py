"""Logic behind `invoke topics-report [FILE…]` and `invoke topics-eval`.

The invoke tasks only parse arguments and print; everything testable is here.
"""

import os
import sys
from types import SimpleNamespace

from pelican import Pelican
from pelican.readers import _DISCARD, Readers
from pelican.settings import read_settings

from . import evaluate, report, train
from . import model as model_module
from . import taxonomy as taxonomy_module
from .assign import State
from .engine import Engine
from .report import KINDS
from .settings import display_path

DEFAULT_DATA = os.path.join("tests", "data", "topics")
DEFAULT_TAXONOMY = os.path.join("content", "themen.yml")


def _site(settings_file):
    """Settings and readers exactly as a build has them (plugins registered)."""
    settings = read_settings(settings_file)
    Pelican(settings)  # registers the plugins: the editorial reader, our defaults
    return settings, Readers(settings)


def _content_files(settings):
    """Every Markdown text a build would tag: all of PATH except pages and static files."""
    base = settings["PATH"]
    skip = [os.path.join(base, p.strip("/")) for p in
            list(settings["PAGE_PATHS"]) + list(settings["STATIC_PATHS"])]
    found = []
    for root, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and os.path.join(root, d) not in skip)
        found += [os.path.join(root, n) for n in sorted(names) if n.endswith((".md", ".markdown"))]
    return found


# The folders other plugins read their documents from; each plugin sets its
# setting's default when it is loaded (the faq and outages plugins).
FOLDER_SETTINGS = (("FAQ_PATH", "FaqEntry"), ("OUTAGES_PATH", "Notice"))


def _kind_of_path(path, settings):
    """Article, FAQ entry or notice, from the folder the file is in.

    A folder counts only when the plugin that reads it is in the build (its
    setting is there); every other text is an article, as in a build.
    """
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(settings["PATH"])).replace(os.sep, "/")
    for setting, kind in FOLDER_SETTINGS:
        folder = str(settings.get(setting) or "").strip("/")
        if folder and (rel + "/").startswith(folder + "/"):
            return KINDS[kind]
    return KINDS["Article"]


def report_entries(files=(), settings_file="pelicanconf.py", errors=None):
    """Report entries for the given Markdown files (all texts when none)."""
    errors = [] if errors is None else errors
    settings, readers = _site(settings_file)
    state = State(settings)
    if state.engine is None:
        errors += [f"{w}: {f}: {e}" for w, f, e in state.problems]
        return []
    state.begin_run()
    files = list(files) or _content_files(settings)
    entries = []
    for path in files:
        where = display_path(path, settings)
        extension = os.path.splitext(path)[1].lstrip(".")
        reader = readers.readers.get(extension)
        if reader is None or not os.path.isfile(path):
            errors.append(f"{where}: file: not found or not Markdown; expected a .md file")
            continue
        try:
            content, metadata = reader.read(path)
        except Exception as exc:  # noqa: BLE001 - editors get the reader's message, no traceback
            errors.append(str(exc) if getattr(exc, "editor_error", False)
                          else f"{where}: file: cannot be read ({exc})")
            continue
        # Pelican drops empty list values ("Tags:" with nothing after it) when it
        # builds a document; reading the file directly leaves its marker in place.
        metadata = {k: v for k, v in metadata.items() if v is not _DISCARD}
        doc = SimpleNamespace(metadata=dict(metadata), tags=list(metadata.get("tags") or []),
                              title=metadata.get("title") or metadata.get("question") or "",
                              _content=content, source_path=path)
        state.apply(doc)
        state.with_evidence([doc])
        kind, label = _kind_of_path(path, settings)
        entries.append(report.document_entry(
            state.taxonomy, source=where, url=None, title=str(doc.title), kind=kind,
            kind_label=label, status=str(metadata.get("status", "published")),
            editor_tags=doc.topics_editor_tags, result=doc.topics_result,
        ))
    return entries


def report_command(files=(), settings_file="pelicanconf.py", out=None):
    """`invoke topics-report`: print the table; exit status 1 when something was wrong."""
    out = out or sys.stdout
    errors = []
    entries = report_entries(files, settings_file, errors)
    if entries:
        out.write(report.format_table(entries))
    for line in errors:
        sys.stderr.write(line + "\n")
    return 1 if errors else 0


def eval_command(data_dir=DEFAULT_DATA, split=None, taxonomy_path=DEFAULT_TAXONOMY,
                 show_mistakes=False, out=None, model_path=model_module.DEFAULT_PATH):
    """`invoke topics-eval`: P/R/F1 per topic and micro-F1 of both halves (or of
    `split`); 1 when the test half fails the quality gate. `model_path` None:
    the taxonomy alone, without the near-miss model."""
    out = out or sys.stdout
    splits = [split] if split else list(evaluate.SPLITS)
    if split not in (None, *evaluate.SPLITS):
        sys.stderr.write(f"--split: '{split}' is not a half of the evaluation set; expected "
                         f"{' or '.join(evaluate.SPLITS)}\n")
        return 2
    try:
        taxonomy = taxonomy_module.load(taxonomy_path)
        halves = {name: evaluate.load_split(os.path.join(data_dir, name), taxonomy) for name in splits}
        model = model_module.load(model_path) if model_path else None
    except (taxonomy_module.TaxonomyError, evaluate.SampleError, model_module.ModelError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    engine = Engine(taxonomy, model=model)
    out.write(f"Modell für knappe Fälle: {model_path if model else 'keins (nur die Taxonomie)'}\n\n")
    failed = False
    for number, (name, samples) in enumerate(halves.items()):
        result = evaluate.evaluate(taxonomy, samples, name, engine=engine)
        if number:
            out.write("\n")
        out.write(evaluate.format_result(result, show_mistakes=show_mistakes) + "\n")
        failed = failed or (name == evaluate.GATE_SPLIT and bool(result.gate_failures()))
    return 1 if failed else 0


def train_command(data_dir=DEFAULT_DATA, taxonomy_path=DEFAULT_TAXONOMY, model_path=model_module.DEFAULT_PATH,
                  out=None):
    """`invoke topics-train`: the near-miss model from the tuning half, written to `model_path`."""
    out = out or sys.stdout
    try:
        taxonomy = taxonomy_module.load(taxonomy_path)
        data = train.train(taxonomy, os.path.join(data_dir, "tuning"))
    except (taxonomy_module.TaxonomyError, evaluate.SampleError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    train.write(data, model_path)
    weights = sum(len(entry["weights"]) for entry in data["topics"].values())
    out.write(f"{model_path}: {len(data['topics'])} Themen, {weights} Gewichte, trainiert auf "
              f"{data['trained_on']['texts']} Texten der Abstimmungshälfte\n")
    return 0
