"""The components an outage can affect, read from content/status/komponenten.yml.

The file is the single list editors refer to in notices (by id), so it is
validated strictly, with the line of each mistake: a typo here would
otherwise silently drop a component from the status page.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from german.dates import parse_datetime, to_berlin
from kit.problems import Problem

from .badges import OVERALL_ID

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REQUIRED = ("id", "name", "group")
OPTIONAL = ("description", "area", "since")
EXAMPLE = (
    "expected a list under 'components:' with entries like\n"
    "  - id: internet-kiel\n    name: Internet Kiel\n    group: Internet\n"
    "    description: DSL- und Glasfaseranschlüsse in Kiel"
)


@dataclass
class Component:
    id: str
    name: str
    group: str
    description: str = ""
    area: str = ""  # region for CAP <areaDesc>, e.g. "Kiel"
    since: dt.datetime | None = None  # start of the availability record
    position: int = 0
    line: int | None = None

    def as_dict(self):
        """The shape docs/contracts.md promises on Notice.components."""
        return {"id": self.id, "name": self.name, "group": self.group}


@dataclass
class ComponentRegistry:
    components: dict = field(default_factory=dict)  # id → Component, file order
    path: str = ""

    def __contains__(self, component_id):
        return component_id in self.components

    def __getitem__(self, component_id):
        return self.components[component_id]

    def __iter__(self):
        return iter(self.components.values())

    def __len__(self):
        return len(self.components)

    @property
    def groups(self):
        """[(group name, [Component, …]), …] in the order of first appearance."""
        groups = {}
        for component in self:
            groups.setdefault(component.group, []).append(component)
        return list(groups.items())


def _scalar(node):
    return node.value if isinstance(node, yaml.ScalarNode) else None


def load_components(path, display):
    """Read and validate the components file. Returns (registry, problems)."""
    registry = ComponentRegistry(path=display)
    problems = []

    def problem(line, field_name, expected):
        problems.append(Problem(display, field_name, expected, line))

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        problem(None, "file", "missing; " + EXAMPLE)
        return registry, problems
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        detail = getattr(exc, "problem", None) or str(exc)
        problem(mark.line + 1 if mark else None, "YAML", f"not valid YAML ({detail})")
        return registry, problems

    entries = None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if _scalar(key) == "components":
                entries = value
            else:
                problem(key.start_mark.line + 1, str(_scalar(key)), "unknown key; " + EXAMPLE)
    if not isinstance(entries, yaml.SequenceNode) or not entries.value:
        line = root.start_mark.line + 1 if root is not None else None
        problem(line, "components", EXAMPLE)
        return registry, problems

    for position, entry in enumerate(entries.value, start=1):
        line = entry.start_mark.line + 1
        if not isinstance(entry, yaml.MappingNode):
            problem(line, "components", "each entry must be a mapping with id, name and group")
            continue
        values, lines = {}, {}
        for key, value in entry.value:
            name = _scalar(key)
            if name not in REQUIRED + OPTIONAL:
                allowed = ", ".join(REQUIRED + OPTIONAL)
                problem(key.start_mark.line + 1, str(name),
                        f"unknown key; expected one of {allowed}")
                continue
            text_value = _scalar(value)
            if text_value is None or not str(text_value).strip():
                problem(value.start_mark.line + 1, name, "expected a text on the same line")
                continue
            values[name], lines[name] = str(text_value).strip(), value.start_mark.line + 1
        missing = [key for key in REQUIRED if key not in values]
        if missing:
            problem(line, ", ".join(missing), "missing; every component needs id, name and group")
            continue
        component_id = values["id"]
        if not ID_PATTERN.match(component_id):
            problem(lines["id"], "id", f"'{component_id}' must be lower-case letters, digits and "
                    "hyphens, e.g. internet-kiel")
            continue
        if component_id == OVERALL_ID:
            problem(lines["id"], "id", f"'{component_id}' is reserved for the status of the whole site "
                    "(its badge); expected another id, e.g. internet-kiel")
            continue
        if component_id in registry.components:
            first = registry.components[component_id].line
            problem(lines["id"], "id", f"'{component_id}' is used twice (first on line {first}); "
                    "ids must be unique")
            continue
        since = None
        if "since" in values:
            try:
                since = to_berlin(parse_datetime(values["since"]))
            except ValueError as exc:
                problem(lines["since"], "since", str(exc))
                continue
        registry.components[component_id] = Component(
            id=component_id,
            name=values["name"],
            group=values["group"],
            description=values.get("description", ""),
            area=values.get("area", ""),
            since=since,
            position=position,
            line=line,
        )
    return registry, problems
