"""The two networks behind one small interface, through their own libraries:
Mastodon.py for Mastodon, the atproto SDK for Bluesky.

Each client turns the library's exceptions into three kinds the poster can
act on: `Transient` (timeout, dropped connection, 5xx – the post may or may
not have arrived), `RateLimited` (wait, then retry) and `Permanent` (401, 403,
422 … – retrying cannot help). Credentials go into the libraries and nowhere
else; messages pass through `Redactor` before anyone sees them.
"""

import datetime as dt
import email.utils
import mimetypes
import os
import secrets
import time
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

from .compose import mastodon_length

USER_AGENT = "nordlicht-social-poster/1 (+invoke social-post)"
# Bluesky accepts link-card thumbnails up to 1,000,000 bytes (app.bsky.embed.external).
THUMB_MAX_BYTES = 1_000_000
THUMB_TYPES = {"image/png", "image/jpeg", "image/webp", "image/gif"}
POST_COLLECTION = "app.bsky.feed.post"
# The AT Protocol's "base32-sortable" digits, in the order of their values.
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


class PostError(Exception):
    """Base of the errors the poster acts on; the message is already redacted."""


class Transient(PostError):
    """Timeout, connection lost, 5xx: the request may have been stored."""


class RateLimited(PostError):
    def __init__(self, message, wait=None):
        super().__init__(message)
        self.wait = wait


class Permanent(PostError):
    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status
        self.uncertain = False  # set when an earlier attempt went unanswered


class AuthFailed(Permanent):
    """401/403: every further call with these credentials fails the same way."""


@dataclass
class Remote:
    id: str
    url: str
    cid: str | None = None


@dataclass
class RemotePost:
    """One of the account's own posts, as the reconciliation needs it."""

    remote: Remote
    text: str
    links: set = field(default_factory=set)
    created: dt.datetime | None = None  # None: unknown, never taken as "old"


@dataclass
class Timeline:
    """The account's own posts, newest first, as far back as they were read.
    `complete` is False when the reading stopped at its cap before it reached
    the time asked for: a post not among them may still be on the account."""

    posts: list
    complete: bool = True


def _keep_reading(posts, page_oldest, limit, since, cap):
    """Whether to fetch another page (see `recent` of the clients)."""
    if len(posts) >= cap:
        return False
    if since is None:
        return len(posts) < limit
    return page_oldest is None or page_oldest >= since


def _parse_time(value):
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


class Redactor:
    """Replaces every secret value in a text with "***"."""

    def __init__(self, secrets=()):
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def add(self, secret):
        if secret and len(secret) >= 4 and secret not in self.secrets:
            self.secrets.append(secret)
            self.secrets.sort(key=len, reverse=True)

    def __call__(self, text):
        text = str(text)
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text


def normalise_link(url):
    return (url or "").strip().rstrip("/")


def _seconds_until(value, now=None):
    """Seconds until a Retry-After / X-RateLimit-Reset value: seconds, epoch
    seconds, an HTTP date or an ISO 8601 time (Mastodon sends ISO)."""
    if value is None:
        return None
    value = str(value).strip()
    now = now or dt.datetime.now(dt.UTC)
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if number > 10**9:  # an epoch timestamp
            return max(0.0, number - now.timestamp())
        return max(0.0, number)
    when = None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = dt.datetime.fromisoformat(value)  # Python 3.11 reads "Z"
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def html_text(html):
    """Visible text of a Mastodon status (links show their full URL there,
    split over <span class="invisible"> parts)."""
    soup = BeautifulSoup(html or "", "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for p in soup.find_all("p"):
        p.insert_after("\n\n")
    return soup.get_text()


def html_links(html):
    soup = BeautifulSoup(html or "", "html.parser")
    return {a["href"] for a in soup.find_all("a", href=True)}


# -- Mastodon -----------------------------------------------------------------


class MastodonClient:
    name = "mastodon"
    label = "Mastodon"

    def __init__(self, base_url, token, *, timeout=20.0, visibility="public", redact=None):
        import requests
        from mastodon import Mastodon

        self.redact = redact or Redactor([token])
        self._last_response = None
        session = requests.Session()
        session.hooks["response"].append(self._remember)
        # "throw": we decide how long to wait (Retry-After), not the library.
        self.api = Mastodon(
            access_token=token,
            api_base_url=base_url,
            request_timeout=timeout,
            ratelimit_method="throw",
            session=session,
            user_agent=USER_AGENT,
        )
        self.visibility = visibility
        self.account_id = None
        self.account = None
        self.max_characters = None
        self.url_length = 23

    def _cut(self, exc):
        return _short(exc, self.redact)

    def _detail(self, exc):
        return _mastodon_detail(exc, self.redact)

    def _remember(self, response, *args, **kwargs):
        self._last_response = response

    def _retry_after(self):
        response = self._last_response
        if response is None:
            return None
        wait = _seconds_until(response.headers.get("Retry-After"))
        if wait is None:
            wait = _seconds_until(response.headers.get("X-RateLimit-Reset"))
        return wait

    def _call(self, function, *args, **kwargs):
        from mastodon import errors

        self._last_response = None
        try:
            return function(*args, **kwargs)
        except errors.MastodonRatelimitError:
            raise RateLimited(
                "Mastodon: rate limit reached (HTTP 429)", self._retry_after()
            ) from None
        except errors.MastodonNetworkError as exc:
            raise Transient(self.redact(f"Mastodon: network error ({self._cut(exc)})")) from None
        except errors.MastodonServerError as exc:
            raise Transient(
                self.redact(f"Mastodon: server error ({self._detail(exc)})")
            ) from None
        except errors.MastodonUnauthorizedError as exc:
            raise AuthFailed(
                self.redact(f"Mastodon: access token refused ({self._detail(exc)})"), 401
            ) from None
        except errors.MastodonAPIError as exc:
            status = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else None
            if status == 403:
                raise AuthFailed(
                    self.redact(f"Mastodon: not allowed ({self._detail(exc)})"), 403
                ) from None
            if status == 429:
                raise RateLimited(
                    "Mastodon: rate limit reached (HTTP 429)", self._retry_after()
                ) from None
            if status is not None and status >= 500:
                raise Transient(
                    self.redact(f"Mastodon: server error ({self._detail(exc)})")
                ) from None
            raise Permanent(
                self.redact(f"Mastodon: refused ({self._detail(exc)})"), status
            ) from None
        except errors.MastodonError as exc:
            raise Permanent(self.redact(f"Mastodon: {self._cut(exc)}")) from None

    def connect(self):
        """Check the token and learn the account and the instance's limits."""
        me = self._call(self.api.account_verify_credentials)
        self.account_id = me["id"]
        self.account = me.get("acct") or me.get("username")
        try:
            instance = self._call(self.api.instance)
        except Permanent:
            instance = {}
        statuses = ((instance.get("configuration") or {}).get("statuses")) or {}
        self.max_characters = statuses.get("max_characters")
        self.url_length = statuses.get("characters_reserved_per_url") or 23
        return f"@{self.account}"

    def check(self, post):
        """The instance may allow fewer characters than the build assumed."""
        if self.max_characters:
            length = mastodon_length(post["text"], self.url_length)
            if length > self.max_characters:
                raise Permanent(
                    f"Mastodon: the instance allows {self.max_characters} characters, "
                    f"the post has {length}; "
                    "set SOCIAL_MASTODON_LIMIT to the instance's limit"
                )

    def recent(self, limit, since=None, cap=None):
        """The account's own posts, newest first (GET accounts/:id/statuses,
        40 a page, older pages by max_id): the newest `limit`, or with
        `since` every post back to that time, at most `cap`."""
        cap = max(cap or limit, limit)
        posts, max_id = [], None
        complete = False
        while True:
            page = self._call(
                self.api.account_statuses,
                self.account_id,
                limit=40 if since is not None else min(40, limit - len(posts)),
                max_id=max_id,
                exclude_reblogs=True,
            )
            if not page:
                complete = True
                break
            for status in page:
                links = {normalise_link(u) for u in html_links(status.get("content"))}
                card = status.get("card") or {}
                if card.get("url"):
                    links.add(normalise_link(card["url"]))
                posts.append(
                    RemotePost(
                        Remote(str(status["id"]), status.get("url") or status.get("uri") or ""),
                        html_text(status.get("content")),
                        links,
                        _parse_time(status.get("created_at")),
                    )
                )
            max_id = page[-1]["id"]
            if not _keep_reading(posts, posts[-1].created, limit, since, cap):
                complete = since is None or len(posts) < cap
                break
        return Timeline(posts, complete)

    def new_record_key(self):
        """None: the Idempotency-Key (the post key) already makes a repeated
        request return the status of the first one instead of a second."""

    def lookup(self, record_key):
        """None: Mastodon posts carry no key of ours to look up by."""

    def send(self, post, parent, output_path=None, record_key=None):
        status = self._call(
            self.api.status_post,
            post["text"],
            in_reply_to_id=parent.id if parent else None,
            visibility=self.visibility,
            language=post.get("language", "de"),
            idempotency_key=post["key"],
        )
        return Remote(str(status["id"]), status.get("url") or status.get("uri") or ""), []


def _mastodon_detail(exc, redact):
    args = exc.args
    if len(args) >= 4:
        status, reason, message = args[1], args[2], args[3]
        return _short(f"HTTP {status} {reason}" + (f": {message}" if message else ""), redact)
    return _short(exc, redact)


def new_tid(micros=None, clock_id=None):
    """A record key in the AT Protocol's TID form (atproto.com/specs/tid):
    the microseconds since 1970 (53 bits), then a random clock id (10 bits)
    that tells apart keys made in the same microsecond, as 13 base32-sortable
    characters."""
    if micros is None:
        micros = time.time_ns() // 1000
    if clock_id is None:
        clock_id = secrets.randbelow(1024)
    value = (micros << 10) | clock_id  # below 2**63: the top bit stays 0
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def _short(exc, redact, limit=200):
    """The error's text on one line, secrets masked first and then cut to
    `limit` characters: cut first, a secret split by the cut would show."""
    text = redact(" ".join(str(exc).split())) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- Bluesky ------------------------------------------------------------------


class BlueskyClient:
    name = "bluesky"
    label = "Bluesky"

    def __init__(
        self, base_url, handle, password, *, timeout=20.0, web_url="https://bsky.app", redact=None
    ):
        from atproto import Client
        from atproto_client.request import Request

        self.redact = redact or Redactor([password])
        self.client = Client(base_url=base_url, request=Request(timeout=timeout))
        self.client.request.add_additional_header("User-Agent", USER_AGENT)
        self._handle = handle
        self._password = password
        self.web_url = web_url.rstrip("/")
        self.did = None
        self.handle = handle

    def _cut(self, exc):
        return _short(exc, self.redact)

    def _call(self, function, *args, **kwargs):
        import httpx
        from atproto_client import exceptions as ex
        from atproto_core.exceptions import AtProtocolError

        try:
            return function(*args, **kwargs)
        except ex.RateLimitExceededError as exc:
            wait = exc.retry_after
            if wait is None and exc.reset_at is not None:
                wait = max(0.0, (exc.reset_at - dt.datetime.now(dt.UTC)).total_seconds())
            raise RateLimited("Bluesky: rate limit reached (HTTP 429)", wait) from None
        except ex.NetworkError as exc:  # includes InvokeTimeoutError; 409/413/502 too
            status = exc.response.status_code if exc.response is not None else None
            if status == 413:
                raise Permanent(f"Bluesky: too large ({self._cut(exc)})", 413) from None
            kind = "timeout" if isinstance(exc, ex.InvokeTimeoutError) else "network error"
            raise Transient(
                self.redact(f"Bluesky: {kind} ({self._cut(exc.__cause__ or exc)})")
            ) from None
        except ex.UnauthorizedError as exc:
            raise AuthFailed(
                self.redact(f"Bluesky: login or token refused ({self._cut(exc)})"), 401
            ) from None
        except ex.RequestErrorBase as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status is not None and status >= 500:
                raise Transient(self.redact(f"Bluesky: server error ({self._cut(exc)})")) from None
            raise Permanent(self.redact(f"Bluesky: refused ({self._cut(exc)})"), status) from None
        except AtProtocolError as exc:
            raise Permanent(self.redact(f"Bluesky: {self._cut(exc)}")) from None
        except httpx.TransportError as exc:
            # atproto maps only timeouts and network errors; a connection closed
            # without an answer (httpx.RemoteProtocolError) comes through as is.
            raise Transient(self.redact(f"Bluesky: connection lost ({self._cut(exc)})")) from None

    def connect(self):
        """One session per run, reused for every post (createSession is
        rate-limited per account: 30 per 5 minutes, 300 per day)."""
        from atproto import Session

        self._call(self.client.login, self._handle, self._password, fetch_bsky_profile=False)
        session = Session.decode(self.client.export_session_string())
        self.redact.add(session.access_jwt)
        self.redact.add(session.refresh_jwt)
        self.did, self.handle = session.did, session.handle
        return f"@{self.handle}"

    def check(self, post):
        return None

    def web_link(self, uri):
        rkey = uri.rsplit("/", 1)[-1]
        return f"{self.web_url}/profile/{self.handle}/post/{rkey}"

    def new_record_key(self):
        """The record key for every attempt at one post. createRecord has no
        idempotency key, and a PDS goes on storing a record after the client
        gave up waiting, maybe only after the check before the retry read the
        repository. With the same key a repeated request cannot make a second
        record (the PDS refuses it), and `lookup` finds the first exactly."""
        return new_tid()

    def lookup(self, record_key):
        """The post stored under `record_key` (com.atproto.repo.getRecord), or None."""
        from atproto import models
        from atproto_client import exceptions as ex

        def get():
            try:
                return self.client.com.atproto.repo.get_record(
                    models.ComAtprotoRepoGetRecord.Params(
                        repo=self.did, collection=POST_COLLECTION, rkey=record_key
                    )
                )
            except ex.BadRequestError as exc:
                content = exc.response.content if exc.response is not None else None
                if _get(content, "error") == "RecordNotFound":
                    return None
                raise

        record = self._call(get)
        return None if record is None else self._remote_post(record.uri, record.cid, record.value)

    def _remote_post(self, uri, cid, value):
        text = _get(value, "text") or ""
        links = set()
        external = _get(_get(value, "embed"), "external")
        if _get(external, "uri"):
            links.add(normalise_link(_get(external, "uri")))
        for facet in _get(value, "facets") or []:
            for feature in _get(facet, "features") or []:
                if _get(feature, "uri"):
                    links.add(normalise_link(_get(feature, "uri")))
        return RemotePost(
            Remote(uri, self.web_link(uri), cid),
            text,
            links,
            _parse_time(_get(value, "created_at") or _get(value, "createdAt")),
        )

    def recent(self, limit, since=None, cap=None):
        """The account's own posts, newest first (com.atproto.repo.listRecords
        on the PDS itself, 100 a page, by cursor; getAuthorFeed would need the
        AppView and lags behind): the newest `limit`, or with `since` every
        post back to that time, at most `cap`."""
        from atproto import models

        cap = max(cap or limit, limit)
        posts, cursor = [], None
        complete = False
        while True:
            page = self._call(
                self.client.com.atproto.repo.list_records,
                models.ComAtprotoRepoListRecords.Params(
                    repo=self.did,
                    collection=POST_COLLECTION,
                    limit=100 if since is not None else min(100, limit - len(posts)),
                    cursor=cursor,
                ),
            )
            posts += [self._remote_post(r.uri, r.cid, r.value) for r in page.records]
            cursor = page.cursor
            if not cursor or not page.records:
                complete = True
                break
            if not _keep_reading(posts, posts[-1].created, limit, since, cap):
                complete = since is None or len(posts) < cap
                break
        return Timeline(posts, complete)

    def _thumb(self, card, output_path, notes):
        """Upload the article's image for the link card, from the built site."""
        path = card.get("image_path")
        if not path or not output_path:
            return None
        file = os.path.join(output_path, path)
        mime = mimetypes.guess_type(file)[0]
        if mime not in THUMB_TYPES:
            notes.append(f"card image {path} is not PNG, JPEG, WebP or GIF; card without image")
            return None
        try:
            size = os.path.getsize(file)
        except OSError:
            notes.append(f"card image {path} is missing from the output; card without image")
            return None
        if size > THUMB_MAX_BYTES:
            notes.append(
                f"card image {path} has {size} bytes, more than Bluesky's 1,000,000; "
                "card without image"
            )
            return None
        with open(file, "rb") as handle:
            data = handle.read()
        uploaded = self._call(
            self.client.com.atproto.repo.upload_blob, data, headers={"Content-Type": mime}
        )
        return uploaded.blob

    def send(self, post, parent, output_path=None, record_key=None):
        from atproto import models
        from atproto_client.models.utils import get_or_create

        notes = []
        embed = None
        card = post.get("card")
        if card:
            thumb = self._thumb(card, output_path, notes)
            embed = models.AppBskyEmbedExternal.Main(
                external=models.AppBskyEmbedExternal.External(
                    uri=card["uri"],
                    title=card.get("title") or "",
                    description=card.get("description") or "",
                    thumb=thumb,
                )
            )
        reply = None
        if parent:
            ref = models.ComAtprotoRepoStrongRef.Main(uri=parent.id, cid=parent.cid)
            reply = models.AppBskyFeedPost.ReplyRef(root=ref, parent=ref)
        facets = [
            get_or_create(f, models.AppBskyRichtextFacet.Main) for f in post.get("facets") or []
        ]
        record = models.AppBskyFeedPost.Record(
            created_at=self.client.get_current_time_iso(),
            text=post["text"],
            reply=reply,
            embed=embed,
            langs=[post.get("language", "de")],
            facets=facets or None,
        )
        created = self._call(
            self.client.app.bsky.feed.post.create, self.did, record, rkey=record_key
        )
        return Remote(created.uri, self.web_link(created.uri), created.cid), notes


def _get(obj, name):
    """A field of an atproto model or of a plain dict (records of unknown type)."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)
