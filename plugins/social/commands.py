"""`invoke social-post`: post the built queue after deploy (the task in
tasks.py only parses options and calls `main`/`run`).

    invoke social-post              post what is new, print a table, exit 1 if anything failed
    invoke social-post --dry-run    print exactly what would be sent; no network, no ledger write
    invoke social-post --init       first run on an existing site: mark everything as done

Credentials come only from the environment (MASTODON_API_BASE_URL,
MASTODON_ACCESS_TOKEN, BLUESKY_BASE_URL, BLUESKY_HANDLE,
BLUESKY_APP_PASSWORD); a network without them is skipped with a message.
They are never printed, logged or written to the ledger.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass

from .clients import BlueskyClient, MastodonClient, Redactor
from .ledger import Ledger, LedgerError
from .post import FAILED, LiveCheck, Options, Poster
from .settings import DEFAULTS, with_defaults

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

SECRET_VARIABLES = ("MASTODON_ACCESS_TOKEN", "BLUESKY_APP_PASSWORD")


@dataclass
class Config:
    """What the poster needs; unset fields have the plugin's defaults (settings.DEFAULTS)."""

    output_path: str
    queue_path: str
    ledger_path: str
    networks: tuple = tuple(DEFAULTS["SOCIAL_NETWORKS"])
    timeout: float = DEFAULTS["SOCIAL_TIMEOUT"]
    retries: int = DEFAULTS["SOCIAL_RETRIES"]
    backoff: float = DEFAULTS["SOCIAL_BACKOFF"]
    backoff_max: float = DEFAULTS["SOCIAL_BACKOFF_MAX"]
    max_wait: float = DEFAULTS["SOCIAL_MAX_WAIT"]
    max_age_days: float | None = DEFAULTS["SOCIAL_MAX_AGE_DAYS"]
    reconcile_limit: int = DEFAULTS["SOCIAL_RECONCILE_LIMIT"]
    reconcile_max: int = DEFAULTS["SOCIAL_RECONCILE_MAX"]
    live_check: bool = DEFAULTS["SOCIAL_LIVE_CHECK"]
    mastodon_visibility: str = DEFAULTS["SOCIAL_MASTODON_VISIBILITY"]
    bluesky_default_url: str = DEFAULTS["SOCIAL_BLUESKY_DEFAULT_URL"]
    bluesky_web_url: str = DEFAULTS["SOCIAL_BLUESKY_WEB_URL"]


def config_from_settings(settings, ledger_path=None):
    settings = with_defaults(settings)
    output = os.path.abspath(settings["OUTPUT_PATH"])
    return Config(
        output_path=output,
        queue_path=os.path.join(output, settings["SOCIAL_QUEUE_SAVE_AS"]),
        ledger_path=os.path.abspath(ledger_path or settings["SOCIAL_LEDGER_PATH"]),
        networks=tuple(settings["SOCIAL_NETWORKS"]),
        timeout=float(settings["SOCIAL_TIMEOUT"]),
        retries=max(1, int(settings["SOCIAL_RETRIES"])),
        backoff=float(settings["SOCIAL_BACKOFF"]),
        backoff_max=float(settings["SOCIAL_BACKOFF_MAX"]),
        max_wait=float(settings["SOCIAL_MAX_WAIT"]),
        max_age_days=settings["SOCIAL_MAX_AGE_DAYS"],
        reconcile_limit=int(settings["SOCIAL_RECONCILE_LIMIT"]),
        reconcile_max=int(settings["SOCIAL_RECONCILE_MAX"]),
        live_check=bool(settings["SOCIAL_LIVE_CHECK"]),
        mastodon_visibility=settings["SOCIAL_MASTODON_VISIBILITY"],
        bluesky_default_url=settings["SOCIAL_BLUESKY_DEFAULT_URL"],
        bluesky_web_url=settings["SOCIAL_BLUESKY_WEB_URL"],
    )


def load_config(settings_file="publishconf.py", ledger_path=None):
    """Settings as the production build saw them (OUTPUT_PATH, SOCIAL_*)."""
    from pelican.settings import read_settings

    return config_from_settings(read_settings(settings_file), ledger_path)


class Output:
    """Everything the command prints goes through here, and through the redactor."""

    def __init__(self, stream, redact):
        self.stream = stream
        self.redact = redact

    def __call__(self, text=""):
        self.stream.write(self.redact(text) + "\n")
        self.stream.flush()


CREDENTIALS = {
    "mastodon": ("Mastodon", ("MASTODON_API_BASE_URL", "MASTODON_ACCESS_TOKEN")),
    "bluesky": ("Bluesky", ("BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")),
}


def skip_reason(network, env, only=None):
    """Why a network is skipped (not selected, credentials missing), or None."""
    if only and network != only:
        return f"not selected (--network {only})"
    label, names = CREDENTIALS[network]
    missing = [name for name in names if not env.get(name)]
    if missing:
        return f"{' and '.join(missing)} not set; {label} skipped"
    return None


def make_clients(config, env, redact, only=None):
    """network → client, or the reason it is skipped."""
    clients = {}
    for network in config.networks:
        reason = skip_reason(network, env, only)
        if reason:
            clients[network] = reason
        elif network == "mastodon":
            clients[network] = MastodonClient(
                env["MASTODON_API_BASE_URL"],
                env["MASTODON_ACCESS_TOKEN"],
                timeout=config.timeout,
                visibility=config.mastodon_visibility,
                redact=redact,
            )
        else:
            clients[network] = BlueskyClient(
                env.get("BLUESKY_BASE_URL") or config.bluesky_default_url,
                env["BLUESKY_HANDLE"],
                env["BLUESKY_APP_PASSWORD"],
                timeout=config.timeout,
                web_url=config.bluesky_web_url,
                redact=redact,
            )
    return clients


def site_mismatch(queue_path, built_for, siteurl):
    """Why the queue must not be posted for SITEURL (built for another address), or None.

    A development build's queue links to http://127.0.0.1:8000; posting it
    would send customers to nowhere.
    """
    wanted = (siteurl or "").strip().rstrip("/")
    built_for = (built_for or "").rstrip("/")
    if not wanted or built_for == wanted:
        return None
    return (f"{queue_path}: built for {built_for or 'no SITEURL'}, not for SITEURL={wanted}; "
            f"expected a production build for that address (SITEURL={wanted} invoke preview)")


def read_queue(path):
    """The queue document ({"site_url", "posts", …}), checked; LedgerError when unusable."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
    except FileNotFoundError:
        raise LedgerError(
            f"{path}: no social queue; expected a production build first "
            "(SITEURL=https://… invoke preview)"
        ) from None
    except ValueError as exc:
        raise LedgerError(f"{path}: not valid JSON ({exc})") from None
    posts = document.get("posts") if isinstance(document, dict) else None
    if not isinstance(posts, list):
        raise LedgerError(f"{path}: expected a JSON object with a list 'posts'")
    relative = [p["key"] for p in posts if not p["link"].startswith(("http://", "https://"))]
    if relative:
        raise LedgerError(
            f"{path}: post {relative[0]} has no absolute link; expected a build with "
            "SITEURL set (publishconf.py)"
        )
    return document


def print_dry_run(posts, results, say):
    """Exactly what would be sent, field by field – also for networks a real run
    would skip for lack of credentials, so texts can be checked without them."""
    by_key = {p["key"]: p for p in posts}
    for result in results:
        post = by_key[result.key]
        verdict = (
            result.status if result.status == "would post" else f"{result.status}: {result.detail}"
        )
        say(f"=== {post['network']}: {post['key']} ({verdict})")
        if post["network"] == "mastodon":
            say(f"Idempotency-Key: {post['key']}")
        say(f"language: {post['language']}")
        if post.get("reply_to"):
            say(f"reply to: {post['reply_to']}")
        say(f"link: {post['link']}")
        say(f"length: {post['length']} of {post['limit']}")
        say("text:")
        for line in post["text"].split("\n"):
            say(f"  | {line}")
        if post.get("facets"):
            say("facets: " + json.dumps(post["facets"], ensure_ascii=False))
        if post.get("card"):
            say("card: " + json.dumps(post["card"], ensure_ascii=False))
        say()


def print_table(results, say):
    if not results:
        return
    headers = ("status", "network", "post", "detail")
    rows = [
        (r.status, r.network, r.key, (r.detail + (f" – {r.url}" if r.url else "")).strip())
        for r in results
    ]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers[:3])]
    # The last column is not padded: zip stops at the shorter list on purpose.
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=False)) + "  " + headers[3]
    say(line)
    say("-" * min(len(line) + 20, 120))
    for row in rows:
        say("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[3])


def summary(results, done_before):
    counts = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    parts = [f"{n} {status}" for status, n in counts.items()]
    parts.append(f"{done_before} done in earlier runs")
    return "Social posts: " + ", ".join(parts) + "."


def run(
    config,
    *,
    dry_run=False,
    init=False,
    only=None,
    env=None,
    out=None,
    after_send=None,
    sleep=time.sleep,
    now=None,
):
    """The command's logic; returns the exit code."""
    env = os.environ if env is None else env
    redact = Redactor([env.get(v) for v in SECRET_VARIABLES])
    say = Output(out or sys.stdout, redact)
    if dry_run and init:
        say("error: --dry-run and --init exclude each other")
        return EXIT_USAGE
    if only and only not in config.networks:
        say(f"error: --network {only}: expected one of {', '.join(config.networks)}")
        return EXIT_USAGE
    try:
        queue = read_queue(config.queue_path)
        ledger = Ledger.load(config.ledger_path)
    except LedgerError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    posts = queue["posts"]
    mismatch = site_mismatch(config.queue_path, queue.get("site_url"), env.get("SITEURL"))
    if mismatch and not dry_run:
        say(f"error: {mismatch}")
        return EXIT_USAGE
    if mismatch:
        say(f"warning: {mismatch}")
    if only:
        posts = [p for p in posts if p["network"] == only]
    options = Options(
        retries=config.retries,
        backoff=config.backoff,
        backoff_max=config.backoff_max,
        max_wait=config.max_wait,
        max_age_days=config.max_age_days,
        reconcile_limit=config.reconcile_limit,
        reconcile_max=config.reconcile_max,
        output_path=config.output_path,
        now=now or dt.datetime.now(dt.UTC),
    )
    if dry_run:
        clients = {n: skip_reason(n, env, only) for n in config.networks}
        poster = Poster(posts, ledger, clients, options)
        results = poster.preview()
        say(f"Dry run: nothing is sent and {config.ledger_path} is not changed.")
        print_dry_run(posts, results, say)
        print_table(results, say)
        say(summary(results, poster.done_before))
        return EXIT_OK
    try:
        with ledger.locked():
            if init:
                poster = Poster(posts, ledger, {}, options)
                results = poster.mark_all_done()
                print_table(results, say)
                say(
                    f"--init: {len(results)} posts marked as done in {config.ledger_path}; "
                    "nothing was sent."
                )
                return EXIT_OK
            if not ledger.existed:
                say(
                    f"note: {config.ledger_path} does not exist yet; every post is checked "
                    "against the account's posts since it could have been sent before it is "
                    "sent (use --init on a site that posted before)."
                )
            clients = make_clients(config, env, redact, only)
            live = LiveCheck(config.timeout, redact) if config.live_check else None
            poster = Poster(
                posts, ledger, clients, options, live, sleep=sleep, after_send=after_send
            )
            results = poster.run()
    except LedgerError as exc:
        say(f"error: {exc}")
        return EXIT_USAGE
    except Exception:  # noqa: BLE001 - a bug must not print a secret in its traceback
        say("error: social-post stopped unexpectedly; the ledger is consistent up to here.")
        say(traceback.format_exc())
        return EXIT_FAILED
    for network, client in clients.items():
        if isinstance(client, str) and any(p["network"] == network for p in posts):
            say(f"note: {client}")
    print_table(results, say)
    say(summary(results, poster.done_before))
    return EXIT_FAILED if any(r.status == FAILED for r in results) else EXIT_OK


def main(argv=None):
    parser = argparse.ArgumentParser(prog="social-post", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--settings", default="publishconf.py", help="Pelican settings of the deployed build"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what would be sent; change nothing"
    )
    parser.add_argument(
        "--init", action="store_true", help="mark every queued post as done without posting"
    )
    parser.add_argument("--network", choices=("mastodon", "bluesky"), help="only this network")
    parser.add_argument("--ledger", help="ledger file (default: SOCIAL_LEDGER_PATH)")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.settings, args.ledger)
    except (OSError, SystemExit) as exc:
        print(f"error: {args.settings}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return run(config, dry_run=args.dry_run, init=args.init, only=args.network)


if __name__ == "__main__":
    sys.exit(main())
