"""The Pelican generator of outage notices and everything built from them.

generate_context reads and validates the components and notices, computes
the state at the build's "now" and puts `outage_notices`, `outage_banner`
and `outage_state` into the shared context before any page is written, so
every template can show the banner. generate_output writes the notice pages,
/status/ and the data files. If any input was bad, the problems are logged
as errors and nothing of the outages is written.

The same class serves `invoke outage-publish` (commands.py), which renders
only these outputs into an existing site without the rest of the build.
"""

import json
import logging
import os

from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url, posixize_path, sanitised_join

from german.dates import parse_datetime, site_now
from kit import outputs
from kit.problems import EditorInputError, Problem, display_path, log_problems

from .badges import build_badges
from .banner import build_banner
from .calendar import build_calendar
from .cap import build_cap
from .components import ComponentRegistry, load_components
from .feeds import build_feeds, feed_paths
from .model import Notice, utc
from .state import compute_state, valid_until
from .statuspage import StatusApi

logger = logging.getLogger(__name__)


def get_generators(pelican):
    """get_generators handler."""
    return OutagesGenerator


def serialise(data):
    if isinstance(data, (bytes, str)):
        return data
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


class OutagesGenerator(Generator):
    """Notices from OUTAGES_PATH; not articles, so never in article lists or feeds."""

    def __init__(self, *args, **kwargs):
        self.notices = []
        self.problems = []
        self.state = None
        self.record_start = None
        self.banner = None
        self.registry = ComponentRegistry()
        super().__init__(*args, **kwargs)

    # -- reading --------------------------------------------------------------

    def generate_context(self):
        settings = self.settings
        components_path = os.path.join(self.path, settings["OUTAGES_COMPONENTS_FILE"])
        sources = sorted(self.get_files([settings["OUTAGES_PATH"]], extensions=("md",)))
        if sources or os.path.exists(components_path):
            self.registry, problems = load_components(
                components_path, display_path(components_path, settings)
            )
        else:  # a site without outages yet: an empty status page, no error
            self.registry, problems = ComponentRegistry(), []
        self.problems = list(problems)
        self.context["outage_components"] = self.registry

        notices = []
        if not problems:
            for path in sources:
                notice = self._read(path)
                if notice is not None and notice.status == "published":
                    notices.append(notice)
                    self.add_source_path(notice)
                    self.add_static_links(notice)
        self._check_slugs(notices)

        now = site_now(settings)
        # The availability record starts at OUTAGES_SINCE (or a component's own
        # "since"); without it, all 90 days count. The API's created_at needs a
        # date either way: the first notice is the best we know.
        record_start = settings["OUTAGES_SINCE"]
        if isinstance(record_start, str):
            record_start = parse_datetime(record_start)
        self.since = record_start or min(
            (n.updates[0].time for n in notices), key=utc, default=now)
        self.notices = notices
        self.record_start = record_start
        self.state = compute_state(notices, self.registry, now, record_start)
        self.banner = build_banner(self.state)
        # Tell the build runner until when this output holds (plugins/build/uptodate.py).
        until = valid_until(notices, now, settings["OUTAGES_BANNER_LEAD_HOURS"])
        current = settings.get("BUILD_VALID_UNTIL")
        if current is None or utc(until) < utc(current):
            settings["BUILD_VALID_UNTIL"] = until
        log_problems(logger, self.problems)
        if self.problems:
            self.notices, self.banner = [], None
        self.context["outage_notices"] = self.state.notices if not self.problems else []
        self.context["outage_banner"] = self.banner
        self.context["outage_state"] = self.state
        self.context["outage_links"] = self.links()

    def _read(self, path):
        source = os.path.join(self.path, path)
        try:
            notice = self.readers.read_file(
                base_path=self.path, path=path, content_class=Notice, context=self.context
            )
        except EditorInputError as exc:  # the notice's own checks, or the editorial reader's (Date:)
            self.problems.extend(exc.problems)
            return None
        except Exception as exc:  # noqa: BLE001 - reported as bad input, no traceback
            where = display_path(source, self.settings)
            self.problems.append(Problem(where, "file", f"could not be read ({exc})"))
            return None
        if not notice.is_valid():
            self.problems.append(Problem(notice.relative_source_path, "file",
                                         "not valid (see the messages above)"))
            return None
        return notice

    def _check_slugs(self, notices):
        seen = {}
        for notice in notices:
            if notice.slug in seen:
                self.problems.append(Problem(
                    display_path(notice.source_path, self.settings), "Slug",
                    f"'{notice.slug}' is already used by "
                    f"{display_path(seen[notice.slug].source_path, self.settings)}; "
                    "expected a unique 'Slug:' line"))
            else:
                seen[notice.slug] = notice

    def checked_documents(self):
        """Notices for the editorial plugin's link and alt-text checks."""
        return list(self.notices)

    def links(self):
        """Where the machine-readable outputs live, for the templates."""
        settings = self.settings
        atom, rss = feed_paths(settings)
        return {
            "status": settings["OUTAGES_STATUS_URL"],
            "atom": atom,
            "rss": rss,
            "calendar": settings["OUTAGES_CALENDAR"],
            "summary": "api/v2/summary.json",
            "api": "api/v2/",
            "badge": settings["OUTAGES_BADGE_PATH"].format(id="gesamt", ext="svg"),
            "badge_json": settings["OUTAGES_BADGE_PATH"].format(id="gesamt", ext="json"),
            "cap": settings["OUTAGES_CAP_PATH"],
            "component_atom": settings["OUTAGES_COMPONENT_FEED_ATOM"],
        }

    # -- writing ----------------------------------------------------------------

    def data_files(self):
        """{path below output: bytes, str or JSON object} — everything but HTML."""
        settings = self.settings
        site_url = settings["SITEURL"]
        api = StatusApi(self.state, settings, settings["OUTAGES_PAGE_ID"],
                        site_url, settings["OUTAGES_STATUS_URL"], self.since)
        files = dict(api.documents())
        files.update(build_feeds(self.state, self.registry, settings, self.record_start))
        files[settings["OUTAGES_CALENDAR"]] = build_calendar(self.state, settings)
        for notice in self.state.notices:
            path = settings["OUTAGES_CAP_PATH"].format(slug=notice.slug)
            files[path] = build_cap(notice, settings, self.registry)
        files.update(build_badges(self.state, settings))
        return files

    def html_pages(self):
        """[(save_as, template name, url, extra context)] of the HTML pages."""
        pages = [
            (notice.save_as, notice.template, notice.url,
             {"notice": notice, "page_name": "notice"})
            for notice in self.state.notices
        ]
        pages.append((self.settings["OUTAGES_STATUS_SAVE_AS"], "status",
                      self.settings["OUTAGES_STATUS_URL"], {"page_name": "status"}))
        return pages

    def generate_output(self, writer):
        if self.problems or self.state is None:
            return
        for save_as, template, url, extra in self.html_pages():
            writer.write_file(
                save_as, self.get_template(template), self.context,
                relative_urls=self.settings["RELATIVE_URLS"], url=url, **extra,
            )
        for path, data in self.data_files().items():
            data = serialise(data)
            outputs.write_bytes(sanitised_join(self.output_path, path),
                                data.encode("utf-8") if isinstance(data, str) else data, "the outages plugin")

    def render_pages(self):
        """The HTML pages in memory, as Pelican's Writer would render them."""
        rendered = {}
        for save_as, template, _url, extra in self.html_pages():
            local = self.context.copy()
            local["localsiteurl"] = local.get("localsiteurl")
            if self.settings["RELATIVE_URLS"]:
                relative = path_to_url(get_relative_path(save_as))
                local["SITEURL"] = relative
                local["localsiteurl"] = relative
                self.context["localsiteurl"] = relative
            local["output_file"] = save_as
            local.update(extra)
            rendered[posixize_path(save_as)] = self.get_template(template).render(local)
        return rendered

