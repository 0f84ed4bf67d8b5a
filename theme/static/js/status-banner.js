/* Outage banner refresh (plugin outages).
 *
 * The banner is rendered into every page at build time. Pages live in
 * caches for a while, so this script asks the site's own
 * /api/v2/summary.json (never a cache: `cache: "no-store"`) and redraws the
 * banner: it appears on pages built before an outage and disappears when an
 * incident is resolved or a maintenance window has ended. No other host is
 * contacted; without JavaScript the built-in banner simply stays.
 * Wording and rules match plugins/outages/banner.py.
 */
(function () {
  "use strict";
  var box = document.getElementById("stoerungsbanner");
  if (!box || !window.fetch || !window.Intl) { return; }

  var root = box.getAttribute("data-root") || "/";
  var summaryUrl = box.getAttribute("data-summary");
  var noticeUrl = box.getAttribute("data-notice-url") || "stoerungen/{slug}/";
  var statusUrl = box.getAttribute("data-status-url") || "status/";
  var leadMs = parseFloat(box.getAttribute("data-lead-hours") || "24") * 3600 * 1000;
  var REFRESH_MS = 5 * 60 * 1000;
  var INCIDENT = { investigating: "Wir untersuchen das Problem", identified: "Ursache gefunden",
    monitoring: "Wird beobachtet", resolved: "Behoben", postmortem: "Behoben" };
  var MAINTENANCE = { scheduled: "Geplant", in_progress: "Läuft", verifying: "Wird geprüft",
    completed: "Abgeschlossen" };
  var IMPACT_RANK = { none: 0, minor: 1, major: 2, critical: 3, maintenance: 0 };

  var parts = new Intl.DateTimeFormat("de-DE", {
    timeZone: "Europe/Berlin", day: "2-digit", month: "2-digit", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });
  function pieces(date) {
    var out = {};
    parts.formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function dateTime(date) {  // 24.11.2026, 10:15 Uhr (MEZ)
    var p = pieces(date);
    return p.day + "." + p.month + "." + p.year + ", " + p.hour + ":" + p.minute +
      " Uhr (" + p.timeZoneName + ")";
  }
  function windowText(start, end) {
    var a = pieces(start), b = pieces(end);
    if (a.day === b.day && a.month === b.month && a.year === b.year && a.timeZoneName === b.timeZoneName) {
      return a.day + "." + a.month + "." + a.year + ", " + a.hour + ":" + a.minute + " bis " +
        b.hour + ":" + b.minute + " Uhr (" + b.timeZoneName + ")";
    }
    return dateTime(start) + " bis " + dateTime(end);
  }

  function entries(summary, now) {
    var list = [];
    (summary.incidents || []).forEach(function (incident) {
      if (incident.status === "resolved" || incident.status === "postmortem") { return; }
      list.push({ slug: incident.id, kind: "incident", kindLabel: "Störung", title: incident.name,
        impact: incident.impact, status: incident.status,
        text: (INCIDENT[incident.status] || incident.status) + ".",
        alert: incident.impact === "major" || incident.impact === "critical" });
    });
    (summary.scheduled_maintenances || []).forEach(function (m) {
      var start = new Date(m.scheduled_for), end = new Date(m.scheduled_until);
      var updates = m.incident_updates || [];
      var last = updates.length ? new Date(updates[0].created_at) : start;
      var status = m.status;
      if (status === "completed") { return; }
      if (now >= end && last < end) { return; }  // window over: completed by the clock
      if (status === "scheduled" && now >= start) { status = "in_progress"; }
      if (status === "scheduled" && start - now > leadMs) { return; }
      var upcoming = status === "scheduled";
      list.push({ slug: m.id, kind: "maintenance", title: m.name, impact: "maintenance", status: status,
        kindLabel: upcoming ? "Geplante Wartungsarbeiten" : "Wartungsarbeiten",
        text: upcoming ? "Geplant für " + windowText(start, end) + "." :
          (MAINTENANCE[status] || status) + ", voraussichtlich bis " + dateTime(end) + ".",
        alert: false, upcoming: upcoming, start: start });
    });
    list.sort(function (a, b) {
      if (a.kind !== b.kind) { return a.kind === "incident" ? -1 : 1; }
      if (IMPACT_RANK[b.impact] !== IMPACT_RANK[a.impact]) { return IMPACT_RANK[b.impact] - IMPACT_RANK[a.impact]; }
      if (!!a.upcoming !== !!b.upcoming) { return a.upcoming ? 1 : -1; }
      return (a.start || 0) - (b.start || 0);
    });
    return list;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function render(list) {
    var signature = list.map(function (e) { return e.slug + ":" + e.status; }).join(" ");
    if (signature === (box.getAttribute("data-signature") || "")) { return; }
    box.setAttribute("data-signature", signature);
    box.textContent = "";
    box.className = "outage-banner";
    if (!list.length) {
      box.removeAttribute("role");
      box.hidden = true;
      return;
    }
    var alert = list.some(function (e) { return e.alert; });
    var level = list.every(function (e) { return e.kind === "maintenance"; }) ? "maintenance" :
      list.filter(function (e) { return e.kind === "incident"; })
        .reduce(function (worst, e) { return IMPACT_RANK[e.impact] > IMPACT_RANK[worst] ? e.impact : worst; }, "none");
    box.classList.add("outage-banner--" + level);
    box.setAttribute("role", alert ? "alert" : "status");
    var wrap = element("div", "wrap");
    var inner = element("div", "notice outage-banner__box");
    var ul = element("ul", "outage-banner__list");
    list.forEach(function (e) {
      var li = element("li", "outage-banner__item outage-banner__item--" + e.kind);
      li.appendChild(element("strong", "", e.kindLabel + ":"));
      li.appendChild(document.createTextNode(" "));
      var link = element("a", "", e.title);
      link.href = root + noticeUrl.replace("{slug}", encodeURIComponent(e.slug));
      li.appendChild(link);
      li.appendChild(document.createTextNode(" – " + e.text));
      ul.appendChild(li);
    });
    inner.appendChild(ul);
    var more = element("p", "outage-banner__more");
    var statusLink = element("a", "", "Alle Meldungen auf der Statusseite");
    statusLink.href = root + statusUrl;
    more.appendChild(statusLink);
    inner.appendChild(more);
    wrap.appendChild(inner);
    box.appendChild(wrap);
    box.hidden = false;
  }

  function refresh() {
    fetch(summaryUrl, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (summary) { render(entries(summary, new Date())); })
      .catch(function () { /* keep what the build rendered */ });
  }

  refresh();
  window.setInterval(function () {
    if (!document.hidden) { refresh(); }
  }, REFRESH_MS);
})();
