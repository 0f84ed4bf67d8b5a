"""The local servers of `invoke serve` and `invoke livereload` (`make serve`).

Both answer a missing file the way the static host does: status 404 with the
site's own 404.html (Pelican's handler would close the connection without
any answer, livereload's would show Tornado's English error page). A port
that is taken is one sentence naming the port, checked before the first
build so an editor does not wait for a build that cannot be served.
"""

import errno
import hashlib
import os
import re
import socket
import urllib.parse

from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

NOT_FOUND_PAGE = "404.html"
BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


class PortUnavailable(Exception):
    """The port cannot be used; str() is the whole message for the editor."""


def port_problem(host, port, command):
    """None when `port` on `host` can be served, else one sentence saying what to do."""
    try:
        number = int(port)
    except (TypeError, ValueError):
        return f"{command}: port '{port}' is not a number; expected e.g. --port 8001"
    if not 0 < number < 65536:
        return f"{command}: port {number} does not exist; expected a number from 1024 to 65535, e.g. --port 8001"
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # The servers set SO_REUSEADDR too: a port only held by closed connections is free.
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind((host, number))
    except OSError as exc:
        return _port_message(exc, host, number, command)
    finally:
        probe.close()
    return None


def _port_message(exc, host, port, command):
    other = 8001 if port != 8001 else 8002
    example = f"invoke {command} --port {other}"
    if command == "livereload":  # what `make serve` runs
        example = f"make serve PORT={other} or {example}"
    if exc.errno == errno.EADDRINUSE:
        return (f"{command}: port {port} on {host} is already in use (another 'make serve' or "
                f"'invoke serve'?); stop that server or choose another port, e.g. {example}")
    if exc.errno == errno.EACCES:
        return (f"{command}: port {port} on {host} needs administrator rights; "
                f"choose a port from 1024 up, e.g. {example}")
    return f"{command}: port {port} on {host} cannot be used ({exc.strerror}); choose another, e.g. {example}"


class SiteRequestHandler(ComplexHTTPRequestHandler):
    """Pelican's handler (index.html for folders, .html suffixes), plus the 404 page."""

    def do_GET(self):
        original = self.path
        if self.get_path_that_exists(self.path.split("?", 1)[0]) is None:
            self.path = original
            self.send_error(404)
            return
        super().do_GET()

    def get_path_that_exists(self, original_path):
        # Pelican logs every miss as a warning with all variations tried; a 404 is enough.
        for suffix in self.SUFFIXES:
            if suffix == "/" and not original_path.endswith("/"):
                continue
            candidate = original_path.rstrip("/") + suffix
            if os.path.exists(self.translate_path(candidate)):
                return candidate
        return None

    def send_error(self, code, message=None, explain=None):
        page = os.path.join(self.base_path, NOT_FOUND_PAGE)
        if code != 404 or not os.path.isfile(page):
            super().send_error(code, message, explain)
            return
        with open(page, "rb") as handle:
            body = handle.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, msg_format, *args):
        pass  # the editor looks at the browser, not at one line per request


class SiteServer(RootedHTTPServer):
    allow_reuse_address = True


def make_server(root, host, port, command="serve"):
    """A server for `root` (not yet serving); PortUnavailable when the port is taken."""
    problem = port_problem(host, port, command)
    if problem:
        raise PortUnavailable(problem)
    try:
        return SiteServer(os.path.abspath(root), (host, int(port)), SiteRequestHandler)
    except OSError as exc:  # taken between the check and now
        raise PortUnavailable(_port_message(exc, host, int(port), command)) from None


def _output_name(url_path):
    """The output name an address is served from ("" and "a/" are "index.html", "a/index.html")."""
    return url_path + "index.html" if url_path == "" or url_path.endswith("/") else url_path


def livereload_server(without_site=None, previews=None, notice=None, moved=None):
    """livereload's Server whose static files answer a miss with the site's 404 page.
    `without_site()`, when given, is the page (bytes) for a miss while there is no
    site at all, e.g. because the first build failed; None for the usual answer.
    `previews` ({output name: file}, kept up to date by the caller) are served in
    place of the built files of those names, or where there is none yet.
    `moved` ({old output name: new}) redirect (temporarily) to the new address.
    `notice()`, when it gives bytes, is put at the top of every HTML page served
    (the problems of a failed build)."""
    from livereload import Server
    from livereload.handlers import StaticFileHandler

    class SiteStaticFileHandler(StaticFileHandler):
        async def get(self, path, include_body=True):
            target = moved.get(_output_name(path)) if moved else None
            if target is not None:
                self.redirect("/" + urllib.parse.quote(target.removesuffix("index.html")))
                return
            extra = notice() if notice else None
            if extra and (path == "" or path.endswith(("/", ".html"))):
                self.path = self.parse_url_path(path)
                found = self.validate_absolute_path(self.root, self.get_absolute_path(self.root, self.path))
                if found is not None and found.endswith(".html"):
                    with open(found, "rb") as handle:
                        page = BODY_START.sub(lambda start: start.group(0) + extra, handle.read(), count=1)
                    self.absolute_path = found
                    self.set_header("Content-Type", "text/html; charset=utf-8")
                    self.set_header("Cache-Control", "no-store")
                    # Its own tag: the built file's would let a browser keep the page without the notice.
                    self.set_header("Etag", f'"{hashlib.sha256(page).hexdigest()[:32]}"')
                    self.finish(page if include_body else None)
                    return
            await super().get(path, include_body)

        def validate_absolute_path(self, root, absolute_path):
            if previews:
                name = os.path.relpath(absolute_path, root).replace(os.sep, "/")
                name = _output_name("" if name == "." else name + ("/" if self.request.path.endswith("/") else ""))
                if name in previews:
                    # Tornado may keep the stat of a file validated before; size and
                    # time must be the preview's, so it stats the path returned.
                    vars(self).pop("_stat_result", None)
                    return previews[name]
            return super().validate_absolute_path(root, absolute_path)

        def write_error(self, status_code, **kwargs):
            page = os.path.join(self.root, NOT_FOUND_PAGE)
            instead = without_site() if without_site and not os.path.isfile(page) else None
            if instead is not None:
                self.set_status(503)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Cache-Control", "no-store")
                self.finish(instead)
                return
            if status_code != 404 or not os.path.isfile(page):
                super().write_error(status_code, **kwargs)
                return
            self.set_header("Content-Type", "text/html; charset=utf-8")
            with open(page, "rb") as handle:
                self.finish(handle.read())

    server = Server()
    server.SFH = SiteStaticFileHandler  # livereload's own hook for the static file handler
    return server

