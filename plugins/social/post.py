"""Posting the queue: once per post and network, never twice, never lost.

For each post not yet done in the ledger, in queue order (oldest first, so a
notice's first post comes before its replies):

1. A reply waits until the post it answers is done.
2. The account's own recent posts are searched for the post's link
   (reconciliation). That catches an earlier run that crashed between the
   network call and the ledger write, a lost ledger and a renamed source file.
   Where a post may already be out there (an "intent" in the ledger, or no
   ledger at all) the search reads back over the whole time it could have
   been sent, page by page, not only the newest posts.
3. The live page must answer 200 and show the post's og:title; otherwise the
   post is deferred to the next run (the link card would be wrong), and so
   are the network's later posts: posts go out in the queue's order.
4. The intent is written to the ledger, the post is sent, the result written.
   Timeouts and 5xx are retried with exponential backoff, but only after
   looking again whether the failed attempt arrived after all; 429 waits for
   Retry-After; 401/403/422 fail at once.

Looking is not enough on its own: a server goes on with a request after the
client stopped waiting, and may store the post only after the look found
nothing. So every attempt at one post carries the same key (Mastodon: the
Idempotency-Key; Bluesky: the record key, kept in the ledger with the
intent), and a repeated request cannot make a second post.
"""

import codecs
import datetime as dt
import email.message
import logging
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from .clients import (
    AuthFailed,
    Permanent,
    PostError,
    RateLimited,
    Remote,
    Transient,
    normalise_link,
)
from .ledger import DONE, INTENT

logger = logging.getLogger(__name__)

POSTED = "posted"
RECONCILED = "already there"
MARKED = "marked done"
SKIPPED = "skipped"
DEFERRED = "deferred"
FAILED = "failed"
WOULD_POST = "would post"


@dataclass
class Result:
    status: str
    network: str
    key: str
    detail: str = ""
    url: str = ""


@dataclass
class Options:
    retries: int = 5
    backoff: float = 2.0
    backoff_max: float = 60.0
    max_wait: float = 300.0
    max_age_days: float | None = 14
    reconcile_limit: int = 100
    reconcile_max: int = 5000
    output_path: str | None = None
    now: dt.datetime | None = None


@dataclass
class _Outcome:
    remote: Remote
    via: str
    notes: list = field(default_factory=list)


class _Deferral(Exception):
    """Not now, but nothing is wrong: try again in the next run."""


class _Unknown(Exception):
    """The post may or may not have arrived; the ledger keeps it in "intent"."""


class _Unchecked(Exception):
    """The account holds more posts in the window than we may read."""


# Clocks disagree (ours, the server's, an editor's date): look a day further back.
CLOCK_SLACK = dt.timedelta(days=1)


def page_text(body, content_type=None):
    """An HTML page's text decoded as a browser decodes it: a byte order mark
    first, then the charset the server names, then <meta charset> (or
    http-equiv) near the top of the page, and UTF-8 when none says anything.
    `requests` would fall back to Latin-1 for text/html without a charset,
    which nginx, Apache and Python's http.server all send by default."""
    from bs4.dammit import EncodingDetector

    data, encoding = EncodingDetector.strip_byte_order_mark(body)
    if not encoding and content_type:
        header = email.message.Message()
        header["content-type"] = content_type
        encoding = header.get_content_charset()
    if not encoding:
        encoding = EncodingDetector.find_declared_encoding(data, is_html=True)
    try:
        codecs.lookup(encoding or "utf-8")
    except LookupError:
        encoding = None
    return data.decode(encoding or "utf-8", errors="replace")


def squash(text):
    """Text compared without any whitespace (Mastodon turns line breaks into
    <p>/<br> and shortens how links look, but not the characters)."""
    return re.sub(r"\s+", "", text or "")


class LiveCheck:
    """Is the page live in its final version? Mastodon fetches the link card
    once, when the post is made; a 404 or an old title would stay forever.
    The page must answer 200 and show the post's title as og:title; a link to
    an outage update ("#update-3") also needs that update on the page, so a
    page still cached from before the update is not good enough."""

    def __init__(self, timeout=20.0, redact=str):
        import requests

        self.session = requests.Session()
        self.session.headers["User-Agent"] = "nordlicht-social-poster/1 (live check)"
        self.timeout = timeout
        self.redact = redact
        self.pages = {}  # url → (reason or None, og:title, ids)

    def __call__(self, post):
        url, _, fragment = post["link"].partition("#")
        if url not in self.pages:
            self.pages[url] = self._fetch(url)
        reason, shown, ids = self.pages[url]
        if reason:
            return reason
        if shown is None:
            return "page is live but has no og:title yet"
        expected = " ".join(post["title"].split())
        if expected.casefold() not in shown.casefold():
            return f"page shows og:title {shown!r}, expected {expected!r} (old version cached?)"
        if fragment and fragment not in ids:
            return f"page does not show #{fragment} yet (old version cached?)"
        return None

    def _fetch(self, url):
        import requests
        from bs4 import BeautifulSoup

        try:
            response = self.session.get(url, timeout=self.timeout)
        except requests.RequestException as exc:
            return self.redact(f"page not reachable yet ({type(exc).__name__})"), None, set()
        if response.status_code != 200:
            return f"page not live yet (HTTP {response.status_code})", None, set()
        text = page_text(response.content, response.headers.get("Content-Type"))
        soup = BeautifulSoup(text, "html.parser")
        meta = soup.find("meta", attrs={"property": "og:title"})
        shown = " ".join((meta.get("content") or "").split()) if meta else None
        return None, shown, {tag["id"] for tag in soup.find_all(id=True)}


class Poster:
    def __init__(
        self, posts, ledger, clients, options, live_check=None, *, sleep=time.sleep, after_send=None
    ):
        """`clients`: network name → client, or a string saying why the network
        is skipped. `after_send(post, remote)` runs between the network call
        and the ledger write (tests crash the process there)."""
        self.posts = posts
        self.ledger = ledger
        self.clients = clients
        self.options = options
        self.live_check = live_check
        self.sleep = sleep
        self.after_send = after_send
        self.results = []
        self.done_before = 0
        self._recent = {}  # network → Timeline read so far
        self._since = {}  # network → how far back posts in doubt may lie
        self._blocked = {}
        self._shared = Counter((p["network"], normalise_link(p["link"])) for p in posts)
        self._by_link = None
        self._fresh_ledger = not ledger.existed

    # -- helpers ----------------------------------------------------------
    def _result(self, status, post, detail="", url=""):
        result = Result(status, post["network"], post["key"], detail, url)
        self.results.append(result)
        logger.info("%s %s %s %s", status, post["network"], post["key"], detail)
        return result

    def _backoff(self, attempt):
        delay = min(self.options.backoff_max, self.options.backoff * 2 ** (attempt - 1))
        return delay * (0.5 + random.random() / 2)  # "equal jitter": never two runs in lockstep

    def _pending(self, network):
        pending = []
        for post in self.posts:
            if post["network"] != network:
                continue
            if self.ledger.is_done(post["key"]):
                self.done_before += 1
                continue
            pending.append(post)
        return pending

    def _old_key(self, post):
        """A done entry with the same link and update under another key."""
        if self._by_link is None:
            self._by_link = {}
            for key, entry in self.ledger.entries.items():
                if entry.get("state") == DONE:
                    marker = (
                        entry.get("network"),
                        normalise_link(entry.get("link")),
                        entry.get("update"),
                    )
                    self._by_link.setdefault(marker, key)
        return self._by_link.get(
            (post["network"], normalise_link(post["link"]), post.get("update"))
        )

    def _too_old(self, post):
        if self.options.max_age_days is None or self.ledger.get(post["key"]) is not None:
            return False
        date = dt.datetime.fromisoformat(post["date"])
        return date < self._now() - dt.timedelta(days=float(self.options.max_age_days))

    def _parent(self, post):
        """(ready, parent Remote or None, reason)."""
        parent_key = post.get("reply_to")
        if not parent_key:
            return True, None, ""
        entry = self.ledger.get(parent_key)
        if not entry or entry.get("state") != DONE:
            return False, None, f"waits for the notice's first post ({parent_key})"
        if not entry.get("remote_id"):
            return True, None, "first post was marked done by --init; posted without reply"
        return (
            True,
            Remote(entry["remote_id"], entry.get("remote_url", ""), entry.get("remote_cid")),
            "",
        )

    def _in_doubt(self, post):
        """May the post already be on the account without the ledger knowing?
        After an unanswered attempt ("intent"), and for every post when there
        is no ledger from earlier runs (first run, or lost)."""
        return self.ledger.state(post["key"]) == INTENT or self._fresh_ledger

    def _window_start(self, post):
        """The earliest time the post can have been sent: its first attempt
        for an "intent", else its own date (nothing is posted before it), but
        never before the age limit (older ones are not posted at all)."""
        entry = self.ledger.get(post["key"]) or {}
        first_attempt = entry.get("first_intent_at") or entry.get("intent_at")
        if entry.get("state") == INTENT and first_attempt:
            start = dt.datetime.fromisoformat(first_attempt)
        else:
            start = dt.datetime.fromisoformat(post["date"])
            if self.options.max_age_days is not None:
                limit = self._now() - dt.timedelta(days=float(self.options.max_age_days))
                start = max(start, limit)
        return start - CLOCK_SLACK

    def _now(self):
        return self.options.now or dt.datetime.now(dt.UTC)

    def _find(self, client, post, refresh=False):
        """The post on the account, or None. Posts in doubt are looked for
        over the whole time they could have been sent; the others among the
        newest posts only (a renamed source file, say). `refresh` reads the
        newest posts again (after an unanswered attempt to send)."""
        name = post["network"]
        record_key = (self.ledger.get(post["key"]) or {}).get("record_key")
        if record_key:  # an earlier attempt used this key: look it up exactly
            stored = client.lookup(record_key)
            if stored is not None:
                return stored
        since = self._since.get(name)
        if refresh and name in self._recent:
            newest = client.recent(self.options.reconcile_limit)
            known = {p.remote.id for p in newest.posts}
            older = [p for p in self._recent[name].posts if p.remote.id not in known]
            self._recent[name] = type(newest)(newest.posts + older, self._recent[name].complete)
        elif name not in self._recent:
            self._recent[name] = client.recent(
                self.options.reconcile_limit, since=since, cap=self.options.reconcile_max
            )
        timeline = self._recent[name]
        link = normalise_link(post["link"])
        ambiguous = self._shared[(name, link)] > 1
        for remote_post in timeline.posts:
            if link not in remote_post.links:
                continue
            if ambiguous and squash(remote_post.text) != squash(post["text"]):
                continue
            return remote_post
        if not refresh and since is not None and not timeline.complete and self._in_doubt(post):
            raise _Unchecked(
                f"the account has more than {self.options.reconcile_max} posts since "
                f"{since:%Y-%m-%d}; not all could be checked (raise SOCIAL_RECONCILE_MAX, "
                "or run with --init if everything up to now was posted)"
            )
        return None

    # -- modes ------------------------------------------------------------
    def mark_all_done(self):
        """--init: everything in the queue counts as posted; nothing is sent."""
        for post in self.posts:
            if self.ledger.is_done(post["key"]):
                self.done_before += 1
                continue
            self.ledger.record_done(post, None, via="init", save=False)
            self._result(MARKED, post, "not posted (--init)")
        self.ledger.save()  # once: a site with thousands of posts must not write thousands of times
        return self.results

    def preview(self):
        """--dry-run: decide offline what would be sent; touches nothing."""
        planned = set()
        for network in dict.fromkeys(p["network"] for p in self.posts):
            for post in self._pending(network):
                client = self.clients.get(network)
                old = self._old_key(post)
                if isinstance(client, str):
                    self._result(SKIPPED, post, client)
                elif old:
                    self._result(RECONCILED, post, f"posted before as {old}")
                elif self._too_old(post):
                    self._result(SKIPPED, post, self._too_old_reason())
                elif (
                    post.get("reply_to")
                    and post["reply_to"] not in planned
                    and not self.ledger.is_done(post["reply_to"])
                ):
                    self._result(
                        DEFERRED, post, f"waits for the notice's first post ({post['reply_to']})"
                    )
                else:
                    planned.add(post["key"])
                    self._result(WOULD_POST, post, "if the page is live")
        return self.results

    def _too_old_reason(self):
        return (
            f"never posted and older than {self.options.max_age_days} days; "
            "not posted (raise SOCIAL_MAX_AGE_DAYS to post it)"
        )

    def run(self):
        for network in dict.fromkeys(p["network"] for p in self.posts):
            pending = self._pending(network)
            if pending:
                self._run_network(network, pending)
        return self.results

    # -- posting ----------------------------------------------------------
    def _run_network(self, network, pending):
        client = self.clients.get(network)
        if client is None or isinstance(client, str):
            for post in pending:
                self._result(SKIPPED, post, client or f"{network} is not configured")
            return
        renamed = []
        for post in pending:
            old = self._old_key(post)
            if old:
                entry = self.ledger.get(old)
                remote = (
                    Remote(entry["remote_id"], entry.get("remote_url", ""), entry.get("remote_cid"))
                    if entry.get("remote_id")
                    else None
                )
                self.ledger.record_done(post, remote, via=f"same link as {old}")
                self._result(
                    RECONCILED, post, f"posted before as {old}", entry.get("remote_url", "")
                )
                renamed.append(post)
        # Decided without the network, as --dry-run decides it.
        too_old = [p for p in pending if p not in renamed and self._too_old(p)]
        for post in too_old:
            self._result(SKIPPED, post, self._too_old_reason())
        pending = [p for p in pending if p not in renamed and p not in too_old]
        if not pending:
            return
        doubtful = [self._window_start(p) for p in pending if self._in_doubt(p)]
        if doubtful:
            self._since[network] = min(doubtful)
        try:
            self._with_retries(client.connect)
        except (PostError, _Deferral, _Unknown) as exc:
            for post in pending:
                status = DEFERRED if isinstance(exc, (_Deferral, RateLimited)) else FAILED
                self._result(status, post, f"could not log in: {exc}")
            return
        held_by = None  # the first post the live check deferred: later ones wait for it
        for post in pending:
            if network in self._blocked:
                self._result(DEFERRED, post, self._blocked[network])
                continue
            if held_by:
                self._result(DEFERRED, post, f"waits for the older post {held_by}, which goes "
                             "out first (the queue's order)")
                continue
            if self._one(client, post) == "not live":
                held_by = post["key"]

    def _with_retries(self, call):
        for attempt in range(1, self.options.retries + 1):
            try:
                return call()
            except RateLimited as exc:
                wait = exc.wait if exc.wait is not None else self._backoff(attempt)
                if wait > self.options.max_wait:
                    raise _Deferral(f"{exc}; retry after {wait:.0f} s") from None
                if attempt == self.options.retries:
                    raise
                self.sleep(wait)
            except Transient:
                if attempt == self.options.retries:
                    raise
                self.sleep(self._backoff(attempt))
        raise AssertionError("unreachable")

    def _one(self, client, post):
        network = post["network"]
        if self._too_old(post):
            self._result(SKIPPED, post, self._too_old_reason())
            return
        ready, parent, note = self._parent(post)
        if not ready:
            self._result(DEFERRED, post, note)
            return
        # Without a ledger from earlier runs (first run, or lost) any post may
        # already be out there: then an unreadable timeline means "wait".
        in_doubt = self._in_doubt(post)
        try:
            found = self._with_retries(lambda: self._find(client, post))
        except (PostError, _Deferral, _Unchecked) as exc:
            if in_doubt:
                self._result(
                    FAILED,
                    post,
                    "may already be on the account (an unanswered attempt, or no ledger "
                    f"from earlier runs) and the account could not be checked: {exc}",
                )
                return
            found = None  # a post never attempted cannot be on the timeline twice
        if found is not None:
            self.ledger.record_done(post, found.remote, via="reconciled")
            self._result(RECONCILED, post, "found on the account; not sent again", found.remote.url)
            return
        if self.live_check is not None:
            reason = self.live_check(post)
            if reason:
                self._result(DEFERRED, post, reason)
                return "not live"
        try:
            client.check(post)
        except Permanent as exc:
            self.ledger.record_failed(post, str(exc))
            self._result(FAILED, post, str(exc))
            return
        # Every attempt, in this run and later ones, uses the first key.
        record_key = (self.ledger.get(post["key"]) or {}).get("record_key")
        self.ledger.record_intent(post, record_key or client.new_record_key())
        try:
            outcome = self._send(client, post, parent)
        except Permanent as exc:
            self.ledger.record_failed(post, str(exc), arrived_unknown=exc.uncertain)
            self._result(FAILED, post, str(exc))
            if isinstance(exc, AuthFailed):
                self._blocked[network] = f"not attempted after: {exc}"
            return
        except _Deferral as exc:
            self.ledger.record_failed(post, str(exc))
            self._result(DEFERRED, post, str(exc))
            self._blocked[network] = f"rate limited: {exc}"
            return
        except _Unknown as exc:
            self.ledger.record_failed(post, str(exc), arrived_unknown=True)
            self._result(
                FAILED, post, f"{exc}; the next run checks the account before sending again"
            )
            return
        if outcome.via == POSTED and self.after_send is not None:
            self.after_send(post, outcome.remote)
        self.ledger.record_done(post, outcome.remote, via=outcome.via)
        detail = (
            "sent" if outcome.via == POSTED else "arrived despite an error; found on the account"
        )
        if note:
            detail += f"; {note}"
        for extra in outcome.notes:
            detail += f"; {extra}"
        self._result(
            POSTED if outcome.via == POSTED else RECONCILED, post, detail, outcome.remote.url
        )

    def _send(self, client, post, parent):
        """Send with retries. After a timeout or 5xx the post may have been
        stored; before sending again, look for it on the account. Not finding
        it does not settle the doubt (the server may store it later), so the
        post stays in doubt until an answer arrives."""
        record_key = self.ledger.get(post["key"]).get("record_key")
        uncertain = False
        last = None
        for attempt in range(1, self.options.retries + 1):
            try:
                if uncertain:
                    found = self._find(client, post, refresh=True)
                    if found is not None:
                        return _Outcome(found.remote, "reconciled")
                remote, notes = client.send(post, parent, self.options.output_path, record_key)
                return _Outcome(remote, POSTED, notes)
            except RateLimited as exc:
                wait = exc.wait if exc.wait is not None else self._backoff(attempt)
                if wait > self.options.max_wait:
                    # After an unanswered attempt the post may be there: stay "in doubt".
                    kind = _Unknown if uncertain else _Deferral
                    raise kind(f"{exc}; retry after {wait:.0f} s") from None
                last = exc
                if attempt < self.options.retries:
                    self.sleep(wait)
            except Permanent as exc:
                if uncertain:
                    # A server may refuse the repeated key as an error of the
                    # request: then the first attempt is there after all.
                    try:
                        found = self._find(client, post, refresh=True)
                    except PostError:
                        found = None
                    if found is not None:
                        return _Outcome(found.remote, "reconciled")
                exc.uncertain = uncertain
                raise
            except Transient as exc:
                uncertain = True
                last = exc
                if attempt < self.options.retries:
                    self.sleep(self._backoff(attempt))
        if uncertain:
            raise _Unknown(f"gave up after {self.options.retries} attempts: {last}")
        raise _Deferral(f"gave up after {self.options.retries} attempts: {last}")
