"""Local stand-ins for a Mastodon instance, a Bluesky PDS and the live site.

Real HTTP servers on 127.0.0.1 (ephemeral ports) that implement the endpoints
Mastodon.py and the atproto SDK really call, record every request, and inject
faults on demand: a timeout, a 500, a 429 with Retry-After, a connection
dropped after the post was stored, or a request the server stores only after
the client gave up and looked (as a real server that goes on working). The client libraries are not patched; they
talk HTTP to these servers.
"""

import base64
import datetime as dt
import hashlib
import html
import json
import re
import socket
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from atproto_client.models.string_formats import TID_RE
from requests.structures import CaseInsensitiveDict

URL = re.compile(r"https?://[^\s<>\"]+")
# What the account posts besides the queue (answers to customers).
OWN_TEXT = "Danke für Ihre Nachricht, wir melden uns."
HASHTAG = re.compile(r"(?<![\w/#])#(\w+)")


class FakeServer:
    """Base: routing, recording, faults. Subclasses define `routes`."""

    def __init__(self):
        self.requests = []
        self.faults = defaultdict(list)
        self.late = []  # (route, work): abandoned requests that land after a request to route
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.timeout_delay = 1.5
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def fault(self, route, *kinds):
        """Queue faults for the next requests to `route` ("POST /api/v1/statuses")."""
        with self.lock:
            self.faults[route].extend(kinds)

    def _next_fault(self, route):
        with self.lock:
            queue = self.faults.get(route)
            return queue.pop(0) if queue else None

    def _land_late(self, route):
        with self.lock:
            due = [work for after, work in self.late if after == route]
            self.late = [(after, work) for after, work in self.late if after != route]
        for work in due:
            work()

    def calls(self, route):
        return [r for r in self.requests if r["route"] == route]

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                # Headers and body go out in two writes; without this, delayed
                # ACKs add ~40 ms to every keep-alive request.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _dispatch(self, method):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                route, handler, params = fake.match(method, parts.path)
                request = {
                    "method": method,
                    "path": parts.path,
                    "route": route,
                    "query": parse_qs(parts.query),
                    "headers": CaseInsensitiveDict(self.headers.items()),
                    "body": body,
                    "params": params,
                    "time": time.monotonic(),
                }
                with fake.lock:
                    fake.requests.append(request)
                if handler is None:
                    return self._send(404, {"error": "Not found"})
                fault = fake._next_fault(route)
                if isinstance(fault, tuple) and fault[0] == "store-late":
                    # The client gives up waiting; the server goes on and stores
                    # the post just after it answered the next request to fault[1].
                    with fake.lock:
                        fake.late.append((fault[1], lambda: handler(request)))
                    fake.stopping.wait(fake.timeout_delay)
                    return self._drop()
                if fault == "timeout":  # nothing stored, the answer comes too late
                    fake.stopping.wait(fake.timeout_delay)
                    return self._drop()
                if fault == "500":
                    return self._send(500, {"error": "Internal Server Error"})
                if isinstance(fault, tuple) and fault[0] == "429":
                    return self._send(429, {"error": "Too many requests"}, fault[1])
                if isinstance(fault, tuple) and fault[0] == "status":
                    return self._send(fault[1], fault[2])
                status, payload, headers = handler(request)
                fake._land_late(route)
                if fault == "drop":  # stored, but the answer never arrives
                    return self._drop()
                if fault == "timeout-after-store":
                    fake.stopping.wait(fake.timeout_delay)
                    return self._drop()
                return self._send(status, payload, headers)

            def _drop(self):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            def _send(self, status, payload, headers=None):
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    content_type = "application/json"
                    for name, value in (headers or {}).items():
                        if name.lower() == "content-type":
                            content_type = value
                        else:
                            self.send_header(name, value)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    self.close_connection = True

            def do_GET(self):
                self._dispatch("GET")

            def do_POST(self):
                self._dispatch("POST")

        return Handler

    def match(self, method, path):
        for route_method, pattern, name, handler in self.routes():
            if route_method != method:
                continue
            found = re.fullmatch(pattern, path)
            if found:
                return f"{method} {name}", handler, found.groupdict()
        return f"{method} {path}", None, {}


# -- Mastodon -----------------------------------------------------------------


def mastodon_html(text, base):
    """Plain text → HTML the way Mastodon renders a status."""

    def linkify(line):
        out, last = [], 0
        for match in URL.finditer(line):
            url = match.group(0).rstrip(".,;:!?")
            start, end = match.start(), match.start() + len(url)
            out.append(_tags(html.escape(line[last:start]), base))
            scheme, rest = url.split("://", 1)
            out.append(
                f'<a href="{html.escape(url)}" target="_blank" rel="nofollow noopener noreferrer">'
                f'<span class="invisible">{scheme}://</span><span class="ellipsis">{html.escape(rest[:30])}</span>'
                f'<span class="invisible">{html.escape(rest[30:])}</span></a>'
            )
            last = end
        out.append(_tags(html.escape(line[last:]), base))
        return "".join(out)

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br />".join(linkify(line) for line in p.split("\n")) + "</p>" for p in paragraphs
    )


def _tags(escaped, base):
    return HASHTAG.sub(
        lambda m: (
            f'<a href="{base}/tags/{m.group(1)}" class="mention hashtag" rel="tag">#<span>{m.group(1)}</span></a>'
        ),
        escaped,
    )


class FakeMastodon(FakeServer):
    """Instance, verify_credentials, statuses (with Idempotency-Key), account statuses."""

    def __init__(self, token="mastodon-secret-token-123", max_characters=500):
        super().__init__()
        self.token = token
        self.max_characters = max_characters
        self.statuses = []
        self.idempotency = {}
        self.next_id = 110000000000000000

    def routes(self):
        return [
            ("GET", r"/api/v1/instance/?", "/api/v1/instance", self.instance_v1),
            ("GET", r"/api/v2/instance/?", "/api/v2/instance", self.instance_v2),
            (
                "GET",
                r"/api/v1/accounts/verify_credentials",
                "/api/v1/accounts/verify_credentials",
                self.verify,
            ),
            ("POST", r"/api/v1/statuses", "/api/v1/statuses", self.post_status),
            (
                "GET",
                r"/api/v1/accounts/(?P<id>\d+)/statuses",
                "/api/v1/accounts/:id/statuses",
                self.account_statuses,
            ),
        ]

    def account(self):
        return {
            "id": "42",
            "username": "service",
            "acct": "service",
            "display_name": "Serviceteam",
            "url": f"{self.url}/@service",
            "created_at": "2026-01-01T00:00:00.000Z",
            "locked": False,
            "bot": True,
            "note": "",
            "avatar": "",
            "header": "",
            "followers_count": 0,
            "following_count": 0,
            "statuses_count": len(self.statuses),
            "fields": [],
            "emojis": [],
        }

    def _authorised(self, request):
        return request["headers"].get("Authorization") == f"Bearer {self.token}"

    def _configuration(self):
        return {
            "statuses": {
                "max_characters": self.max_characters,
                "max_media_attachments": 4,
                "characters_reserved_per_url": 23,
            }
        }

    def instance_v1(self, request):
        return (
            200,
            {
                "uri": "127.0.0.1",
                "title": "Fake",
                "version": "4.3.0",
                "description": "",
                "email": "",
                "urls": {},
                "stats": {},
                "languages": ["de"],
                "configuration": self._configuration(),
            },
            {},
        )

    def instance_v2(self, request):
        return (
            200,
            {
                "domain": "127.0.0.1",
                "title": "Fake",
                "version": "4.3.0",
                "source_url": "",
                "description": "",
                "api_versions": {"mastodon": 2},
                "languages": ["de"],
                "configuration": self._configuration(),
            },
            {},
        )

    def verify(self, request):
        if not self._authorised(request):
            return (
                401,
                {
                    "error": f"The access token is invalid ({request['headers'].get('Authorization')})"
                },
                {},
            )
        return 200, self.account(), {}

    def post_status(self, request):
        if not self._authorised(request):
            return 401, {"error": "The access token is invalid"}, {}
        form = {k: v[-1] for k, v in parse_qs(request["body"].decode()).items()}
        request["form"] = form
        key = request["headers"].get("Idempotency-Key")
        with self.lock:
            if key and key in self.idempotency:
                return 200, self.idempotency[key], {}
            text = form.get("status", "")
            if len(text) == 0:
                return 422, {"error": "Validation failed: Text can't be blank"}, {}
            self.next_id += 1
            status_id = str(self.next_id)
            status = {
                "id": status_id,
                "uri": f"{self.url}/users/service/statuses/{status_id}",
                "url": f"{self.url}/@service/{status_id}",
                "created_at": _stamp(),
                "content": mastodon_html(text, self.url),
                "visibility": form.get("visibility", "public"),
                "language": form.get("language"),
                "in_reply_to_id": form.get("in_reply_to_id"),
                "in_reply_to_account_id": "42" if form.get("in_reply_to_id") else None,
                "sensitive": False,
                "spoiler_text": "",
                "reblog": None,
                "card": None,
                "media_attachments": [],
                "mentions": [],
                "tags": [],
                "emojis": [],
                "replies_count": 0,
                "reblogs_count": 0,
                "favourites_count": 0,
                "account": self.account(),
                "_text": text,
                "_idempotency_key": key,
            }
            self.statuses.append(status)
            if key:
                self.idempotency[key] = status
        return 200, status, {}

    def add_statuses(self, count, created=None, text=OWN_TEXT):
        """Statuses the account wrote itself (answers to customers, say), newest last."""
        with self.lock:
            for _ in range(count):
                self.next_id += 1
                status_id = str(self.next_id)
                self.statuses.append({
                    "id": status_id,
                    "uri": f"{self.url}/users/service/statuses/{status_id}",
                    "url": f"{self.url}/@service/{status_id}",
                    "created_at": _stamp(created),
                    "content": mastodon_html(text, self.url),
                    "visibility": "public", "language": "de", "in_reply_to_id": None,
                    "in_reply_to_account_id": None, "sensitive": False, "spoiler_text": "",
                    "reblog": None, "card": None, "media_attachments": [], "mentions": [],
                    "tags": [], "emojis": [], "replies_count": 0, "reblogs_count": 0,
                    "favourites_count": 0, "account": self.account(), "_text": text,
                    "_idempotency_key": None,
                })

    def account_statuses(self, request):
        query = request["query"]
        limit = int(query.get("limit", ["20"])[0])
        max_id = query.get("max_id", [None])[0]
        with self.lock:
            newest_first = list(reversed(self.statuses))
        if max_id:
            newest_first = [s for s in newest_first if int(s["id"]) < int(max_id)]
        return 200, newest_first[:limit], {}


# -- Bluesky ------------------------------------------------------------------


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def fake_jwt(did, scope, lifetime=7200):
    now = int(time.time())
    header = _b64(json.dumps({"alg": "ES256K", "typ": "at+jwt"}).encode())
    payload = _b64(
        json.dumps({"scope": scope, "sub": did, "iat": now, "exp": now + lifetime}).encode()
    )
    return f"{header}.{payload}.{_b64(hashlib.sha256(payload.encode()).digest())}"


def fake_cid(data):
    return "bafyrei" + base64.b32encode(hashlib.sha256(data).digest()).decode().lower().rstrip("=")


class FakePDS(FakeServer):
    """createSession, createRecord, uploadBlob, listRecords, getAuthorFeed."""

    def __init__(
        self,
        handle="service.example.org",
        password="app-pass-word-secret",
        did="did:plc:fakeservice123",
    ):
        super().__init__()
        self.handle, self.password, self.did = handle, password, did
        self.records = []
        self.blobs = {}
        self.tokens = set()
        self.clock = 1_700_000_000_000_000

    def routes(self):
        x = "/xrpc/"
        return [
            (
                "POST",
                x + r"com\.atproto\.server\.createSession",
                "createSession",
                self.create_session,
            ),
            ("POST", x + r"com\.atproto\.repo\.createRecord", "createRecord", self.create_record),
            ("POST", x + r"com\.atproto\.repo\.uploadBlob", "uploadBlob", self.upload_blob),
            ("GET", x + r"com\.atproto\.repo\.listRecords", "listRecords", self.list_records),
            ("GET", x + r"com\.atproto\.repo\.getRecord", "getRecord", self.get_record),
            ("GET", x + r"app\.bsky\.feed\.getAuthorFeed", "getAuthorFeed", self.author_feed),
        ]

    def _authorised(self, request):
        auth = request["headers"].get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.tokens

    def create_session(self, request):
        data = json.loads(request["body"] or b"{}")
        if data.get("identifier") != self.handle or data.get("password") != self.password:
            return (
                401,
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
                {},
            )
        access = fake_jwt(self.did, "com.atproto.appPass")
        refresh = fake_jwt(self.did, "com.atproto.refresh", 86400)
        self.tokens.add(access)
        return (
            200,
            {
                "accessJwt": access,
                "refreshJwt": refresh,
                "handle": self.handle,
                "did": self.did,
                "active": True,
            },
            {},
        )

    def _tid(self):
        """A TID of the current time (strictly increasing), as a PDS makes them."""
        self.clock = max(self.clock + 1, time.time_ns() // 1000)
        alphabet = "234567abcdefghijklmnopqrstuvwxyz"
        value, out = self.clock << 10, ""
        for _ in range(13):
            out = alphabet[value & 31] + out
            value >>= 5
        return out

    def create_record(self, request):
        if not self._authorised(request):
            return 401, {"error": "AuthenticationRequired", "message": "Bad token"}, {}
        data = json.loads(request["body"])
        record = data["record"]
        text = record.get("text", "")
        encoded = text.encode("utf-8")
        import regex  # the server validates like the lexicon does

        if len(regex.findall(r"\X", text)) > 300 or len(encoded) > 3000:
            return (
                400,
                {
                    "error": "InvalidRequest",
                    "message": "Record/text must not be longer than 300 graphemes",
                },
                {},
            )
        for facet in record.get("facets") or []:
            index = facet["index"]
            if not 0 <= index["byteStart"] < index["byteEnd"] <= len(encoded):
                return 400, {"error": "InvalidRequest", "message": "facet out of range"}, {}
        rkey = data.get("rkey")
        if rkey is not None and not TID_RE.fullmatch(rkey):
            message = f"Invalid record key for app.bsky.feed.post: Invalid TID string (got {rkey!r})"
            return 400, {"error": "InvalidRequest", "message": message}, {}
        with self.lock:
            rkey = rkey or self._tid()
            uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
            if any(r["uri"] == uri for r in self.records):
                # What the reference PDS answers: its repository refuses a
                # second value at the key, as an internal error.
                return 500, {"error": "InternalServerError", "message": "Internal Server Error"}, {}
            cid = fake_cid(request["body"])
            self.records.append({"uri": uri, "cid": cid, "value": record})
        return (
            200,
            {
                "uri": uri,
                "cid": cid,
                "commit": {"cid": fake_cid(uri.encode()), "rev": rkey},
                "validationStatus": "valid",
            },
            {},
        )

    def upload_blob(self, request):
        if not self._authorised(request):
            return 401, {"error": "AuthenticationRequired", "message": "Bad token"}, {}
        cid = fake_cid(request["body"])
        mime = request["headers"].get("Content-Type", "application/octet-stream")
        self.blobs[cid] = (mime, request["body"])
        return (
            200,
            {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": cid},
                    "mimeType": mime,
                    "size": len(request["body"]),
                }
            },
            {},
        )

    def add_records(self, count, created=None, text=OWN_TEXT):
        """Posts the account wrote itself, newest last."""
        with self.lock:
            for _ in range(count):
                rkey = self._tid()
                uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
                record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": _stamp(created)}
                self.records.append({"uri": uri, "cid": fake_cid(uri.encode()), "value": record})

    def list_records(self, request):
        query = request["query"]
        limit = int(query.get("limit", ["50"])[0])
        cursor = query.get("cursor", [None])[0]
        with self.lock:  # a PDS lists by record key, newest first
            newest_first = sorted(self.records, key=lambda r: r["uri"].rsplit("/", 1)[1],
                                  reverse=True)
        if cursor:
            newest_first = [r for r in newest_first if r["uri"].rsplit("/", 1)[1] < cursor]
        page = newest_first[:limit]
        body = {"records": page}
        if len(page) == limit and len(newest_first) > limit:
            body["cursor"] = page[-1]["uri"].rsplit("/", 1)[1]
        return 200, body, {}

    def get_record(self, request):
        query = request["query"]
        uri = f"at://{query['repo'][0]}/{query['collection'][0]}/{query['rkey'][0]}"
        with self.lock:
            for record in self.records:
                if record["uri"] == uri:
                    return 200, record, {}
        return 400, {"error": "RecordNotFound", "message": f"Could not locate record: {uri}"}, {}

    def author_feed(self, request):
        with self.lock:
            feed = [
                {
                    "post": {
                        "uri": r["uri"],
                        "cid": r["cid"],
                        "record": r["value"],
                        "author": {"did": self.did, "handle": self.handle},
                        "indexedAt": "2026-11-24T10:00:00.000Z",
                    }
                }
                for r in reversed(self.records)
            ]
        return 200, {"feed": feed}, {}


def _stamp(when=None):
    """A time as Mastodon and Bluesky write it: UTC with milliseconds and Z."""
    when = (when or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


# -- the live site ------------------------------------------------------------


class FakeSite(FakeServer):
    """Serves built pages from a directory; paths in `not_live` answer 404."""

    def __init__(self, directory):
        super().__init__()
        self.directory = directory
        self.not_live = set()
        self.pages = {}  # path → HTML served instead of the file (an old version, say)
        # False: "Content-Type: text/html" without a charset, as nginx, Apache
        # and Python's http.server send it by default.
        self.charset = True

    def routes(self):
        return [("GET", r"/.*", "page", self.page)]

    def page(self, request):
        path = request["path"]
        if path in self.not_live or path.rstrip("/") + "/" in self.not_live:
            return 404, b"<h1>Not found</h1>", {"Content-Type": "text/html"}
        if path in self.pages:
            return 200, self.pages[path].encode(), {"Content-Type": "text/html; charset=utf-8"}
        file = f"{self.directory}/{path.lstrip('/')}"
        if file.endswith("/"):
            file += "index.html"
        try:
            with open(file, "rb") as handle:
                data = handle.read()
        except OSError:
            return 404, b"<h1>Not found</h1>", {"Content-Type": "text/html"}
        kind = "text/html" if file.endswith(".html") else "application/octet-stream"
        if kind == "text/html" and self.charset:
            kind += "; charset=utf-8"
        return 200, data, {"Content-Type": kind}
