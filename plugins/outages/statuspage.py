"""The Statuspage-compatible JSON under /api/v2/.

Field names, enums and nesting follow Atlassian Statuspage's public v2 API
(summary.json, status.json, components.json, incidents.json, …), so status
widgets and monitoring integrations written for it read this site unchanged.
Differences that cannot be avoided: ids are our slugs instead of random
strings, texts are German, and a cancelled maintenance (Statuspage deletes
those) is reported as "completed" with the cancelling update as its body.
"""

from german.dates import datetime_long, iso, parse_datetime
from german.slugs import slugify

from . import vocabulary as v
from .model import utc

RECENT_LIMIT = 50  # Statuspage returns the 50 most recent incidents

# Our statuses → Statuspage's enums.
API_STATUS = {"cancelled": "completed"}


def api_status(status):
    return API_STATUS.get(status, status)


class StatusApi:
    """Builds every /api/v2 document from one StatusState."""

    def __init__(self, state, settings, page_id, site_url, status_url, since):
        self.state = state
        self.settings = settings
        self.page_id = page_id
        self.site_url = site_url.rstrip("/")
        self.status_url = status_url
        self.since = since
        self._components = None

    # -- building blocks ------------------------------------------------------

    def page(self):
        return {
            "id": self.page_id,
            "name": self.settings["SITENAME"],
            "url": f"{self.site_url}/{self.status_url}",
            "time_zone": "Europe/Berlin",
            "updated_at": iso(self.state.now),
        }

    def status(self):
        return {"indicator": self.state.indicator, "description": self.state.sentence}

    def component(self, view, position, group_id):
        created = view.since or self.since
        return {
            "id": view.id,
            "name": view.name,
            "status": view.status,
            "created_at": iso(created),
            "updated_at": iso(view.updated_at or created),
            "position": position,
            "description": view.description or None,
            "showcase": True,
            "start_date": created.date().isoformat() if view.since else None,
            "group_id": group_id,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    def components(self):
        """Groups (group: true, with member ids) followed by their members."""
        if self._components is not None:
            return self._components
        result = []
        for group_position, (name, views) in enumerate(self.state.groups, start=1):
            group_id = group_id_for(name)
            members = [self.component(view, position, group_id)
                       for position, view in enumerate(views, start=1)]
            statuses = [view.status for view in views]
            worst = max(statuses, key=lambda s: v.COMPONENT_RANK[s])
            result.append({
                "id": group_id,
                "name": name,
                "status": worst,
                "created_at": min(m["created_at"] for m in members),
                "updated_at": max((m["updated_at"] for m in members),
                                  key=lambda text: utc(parse_datetime(text))),
                "position": group_position,
                "description": None,
                "showcase": False,
                "start_date": None,
                "group_id": None,
                "page_id": self.page_id,
                "group": True,
                "only_show_if_degraded": False,
                "components": [view.id for view in views],
            })
            result.extend(members)
        self._components = result
        return result

    def _component_by_id(self):
        return {c["id"]: c for c in self.components() if not c["group"]}

    def affected(self, notice, update, previous):
        """affected_components of one update: old and new status per component."""
        before, after = {}, {}
        for component_id, status in notice.component_statuses.items():
            before[component_id] = previous.get(component_id, v.OPERATIONAL)
            if update.status in v.FINAL_STATUSES:
                after[component_id] = v.OPERATIONAL
            elif notice.kind == v.MAINTENANCE and update.status == "scheduled":
                after[component_id] = before[component_id]
            else:
                after[component_id] = status
        previous.update(after)
        if before == after and notice.kind == v.MAINTENANCE and update.status == "scheduled":
            return None
        names = {c["id"]: c["name"] for c in notice.components}
        return [
            {"code": cid, "name": names[cid], "old_status": before[cid], "new_status": after[cid]}
            for cid in notice.component_statuses
        ]

    def incident(self, notice):
        updates, previous = [], {}
        for update in notice.updates:
            body = update.text
            if update.next_update is not None:
                body += f"\n\nNächstes Update: {datetime_long(update.next_update)}"
            updates.append({
                "id": update.id,
                "status": api_status(update.status),
                "body": body,
                "incident_id": notice.slug,
                "created_at": iso(update.time),
                "updated_at": iso(update.time),
                "display_at": iso(update.time),
                "affected_components": self.affected(notice, update, previous),
                "deliver_notifications": True,
                "custom_tweet": None,
                "tweet_id": None,
            })
        updates.reverse()  # Statuspage lists the newest update first
        monitoring = next((u.time for u in notice.updates
                           if u.status in ("monitoring", "verifying")), None)
        if notice.cancelled:
            resolved = notice.last_update.time
        else:
            resolved = notice.effective_end if notice.is_finished else None
        started = notice.effective_start or notice.scheduled_start or notice.updates[0].time
        by_id = self._component_by_id()
        data = {
            "id": notice.slug,
            "name": notice.title,
            "status": api_status(notice.current_status),
            "created_at": iso(notice.updates[0].time),
            "updated_at": iso(notice.last_update.time),
            "monitoring_at": iso(monitoring) if monitoring else None,
            "resolved_at": iso(resolved) if resolved else None,
            "impact": notice.impact if notice.kind == v.INCIDENT else "maintenance",
            "shortlink": f"{self.site_url}/{notice.url}",
            "started_at": iso(started),
            "page_id": self.page_id,
            "incident_updates": updates,
            "components": [by_id[c["id"]] for c in notice.components],
        }
        if notice.kind == v.MAINTENANCE:
            data["scheduled_for"] = iso(notice.scheduled_start)
            data["scheduled_until"] = iso(notice.scheduled_end)
        return data

    # -- documents ------------------------------------------------------------

    def documents(self):
        """{path below the output directory: JSON-serialisable object}."""
        state = self.state
        incidents = [n for n in state.notices if n.kind == v.INCIDENT]
        maintenances = [n for n in state.notices if n.kind == v.MAINTENANCE]
        unresolved = [self.incident(n) for n in state.active_incidents]
        active = [self.incident(n) for n in state.active_maintenances]
        upcoming = [self.incident(n) for n in state.upcoming_maintenances]
        page = self.page()
        return {
            "api/v2/summary.json": {
                "page": page,
                "components": self.components(),
                "incidents": unresolved,
                "scheduled_maintenances": active + upcoming,
                "status": self.status(),
            },
            "api/v2/status.json": {"page": page, "status": self.status()},
            "api/v2/components.json": {"page": page, "components": self.components()},
            "api/v2/incidents.json": {
                "page": page,
                "incidents": [self.incident(n) for n in incidents[:RECENT_LIMIT]],
            },
            "api/v2/incidents/unresolved.json": {"page": page, "incidents": unresolved},
            "api/v2/scheduled-maintenances.json": {
                "page": page,
                "scheduled_maintenances": [self.incident(n) for n in maintenances[:RECENT_LIMIT]],
            },
            "api/v2/scheduled-maintenances/upcoming.json": {
                "page": page, "scheduled_maintenances": upcoming,
            },
            "api/v2/scheduled-maintenances/active.json": {
                "page": page, "scheduled_maintenances": active,
            },
        }


def group_id_for(name):
    """Stable id of a component group, e.g. 'gruppe-festnetz'."""
    return "gruppe-" + slugify(name)
