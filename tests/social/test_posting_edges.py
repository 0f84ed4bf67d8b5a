"""Posting against the servers a real deployment meets: a web server that
names no charset, an account busy enough that the post in question is not
among the newest 100, a server that stores a post only after the client gave
up waiting and looked, posts deferred behind each other, errors that echo a
secret, a login that fails on a day some posts are too old."""

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import textwrap

import pytest
from atproto_client.models.string_formats import TID_RE

from social.clients import new_tid
from social.ledger import Ledger
from social.post import page_text
from tests.support.sites import ROOT

from .test_posting import (
    RECORDS,
    STATUSES,
    assert_each_post_arrived_once,
    assert_queue_order,
    post,
    queue,
    table,
)

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning"),
]

ACCOUNT_STATUSES = "GET /api/v1/accounts/:id/statuses"
LIST_RECORDS = "GET listRecords"
# The fixture posts are dated 20–24 November 2026.
SOON_AFTER = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


# -- a server that goes on working after the client gave up ----------------------


def test_a_post_stored_after_the_client_gave_up_and_looked_is_not_sent_twice(
    config, env, mastodon, bluesky, site
):
    """The reference PDS under load: createRecord outlasts the client's
    timeout, the listing before the retry does not show the record yet, and
    the PDS stores it right after. The retry must not make a second post."""
    mastodon.fault(STATUSES, ("store-late", ACCOUNT_STATUSES))
    bluesky.fault(RECORDS, ("store-late", LIST_RECORDS))
    code, output = post(config, env)
    assert code == 0, output
    assert_each_post_arrived_once(config, mastodon, bluesky)
    first = next(p["key"] for p in queue(config) if p["network"] == "bluesky")
    assert table(output)[first] == "already there"
    assert "arrived despite an error" in output
    # Every attempt carried the record key the ledger holds; the record has it.
    keys = [json.loads(c["body"]).get("rkey") for c in bluesky.calls(RECORDS)]
    entry = Ledger.load(config.ledger_path).get(first)
    assert keys[:2] == [entry["record_key"]] * 2
    assert entry["remote_id"].endswith("/" + entry["record_key"])
    assert len(set(keys)) == len(keys) - 1  # the other posts each have their own
    code, output = post(config, env)
    assert code == 0 and table(output) == {}


def test_a_repeated_record_key_refused_as_a_bad_request_counts_as_arrived(
    config, env, mastodon, bluesky, site
):
    """Another PDS may answer the repeated key with a 4xx instead of a 500."""
    refused = ("status", 400, {"error": "InvalidRequest", "message": "Record already exists"})
    bluesky.fault(RECORDS, ("store-late", LIST_RECORDS), refused)
    code, output = post(config, env)
    assert code == 0, output
    assert_each_post_arrived_once(config, mastodon, bluesky)
    first = next(p["key"] for p in queue(config) if p["network"] == "bluesky")
    assert table(output)[first] == "already there"


def test_record_keys_are_tids_in_the_order_they_were_made():
    assert new_tid(0, 0) == "2222222222222"
    keys = [new_tid(micros, clock) for micros, clock in
            [(1_700_000_000_000_000, 1023), (1_700_000_000_000_001, 0), (2**53 - 1, 1023)]]
    keys.append(new_tid())
    assert all(TID_RE.fullmatch(key) for key in keys), keys  # atproto's own check
    assert keys[:3] == sorted(keys[:3])
    assert keys[0] < keys[3] < keys[2]


# -- the live check reads the bytes as a browser does ---------------------------


def test_a_page_served_without_charset_is_read_as_utf8(config, env, mastodon, bluesky, site):
    site.charset = False
    code, output = post(config, env)
    assert code == 0, output
    page = next(r for r in site.requests if r["path"].startswith("/stoerungen/"))
    assert page["path"] == "/stoerungen/internet-kiel/"  # "Internetstörung in Kiel"
    assert set(table(output).values()) == {"posted"}, output
    assert_each_post_arrived_once(config, mastodon, bluesky)


@pytest.mark.parametrize("body, content_type, expected", [
    ("<meta charset=utf-8><title>Störung</title>".encode(), "text/html", "Störung"),
    ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">Störung'
     .encode("cp1252"), "text/html", "Störung"),
    ("Störung".encode("utf-16"), "text/html; charset=iso-8859-1", "Störung"),  # BOM first
    (b"\xef\xbb\xbf" + "Störung".encode(), None, "Störung"),
    ("<meta charset=utf-8>Störung".encode("cp1252"), "text/html; charset=windows-1252",
     "Störung"),  # the server's charset beats the page's
    ("Störung".encode(), "text/html", "Störung"),  # nothing said: UTF-8
    ("<meta charset=nonsense>Störung".encode(), "text/html", "Störung"),
])
def test_page_text_decodes_as_a_browser_does(body, content_type, expected):
    assert expected in page_text(body, content_type)


# -- reconciliation over the whole window -----------------------------------------


def test_a_lost_ledger_behind_more_than_100_newer_posts_posts_nothing_twice(
    config, env, mastodon, bluesky, site
):
    config = dataclasses.replace(config, max_age_days=14)
    # A year of older answers, which the search must not need to read …
    a_month_before = SOON_AFTER - dt.timedelta(days=30)
    mastodon.add_statuses(400, created=a_month_before)
    bluesky.add_records(400, created=a_month_before)
    code, output = post(config, env, now=SOON_AFTER)
    assert code == 0, output
    # … and then the service team answers 120 customers.
    mastodon.add_statuses(120)
    bluesky.add_records(120)
    os.remove(config.ledger_path)
    mastodon.requests.clear()
    bluesky.requests.clear()
    code, output = post(config, env, now=SOON_AFTER)
    assert code == 0, output
    assert set(table(output).values()) == {"already there"}, output
    assert_each_post_arrived_once(config, mastodon, bluesky)
    # It paged back past the 132 newest posts and stopped at the older ones.
    mastodon_pages = len(mastodon.calls(ACCOUNT_STATUSES))
    bluesky_pages = len(bluesky.calls(LIST_RECORDS))
    assert 4 <= mastodon_pages <= 5, mastodon_pages  # 40 a page: 132 + the first old one
    assert bluesky_pages == 2, bluesky_pages  # 100 a page


class Crash(BaseException):
    """The process dies between the network call and the ledger write."""


def test_an_intent_left_by_a_crash_behind_more_than_100_newer_posts_is_not_sent_again(
    config, env, mastodon, bluesky, site
):
    sent = []

    def crash(post_, remote):
        sent.append(post_["key"])
        raise Crash

    with pytest.raises(Crash):
        post(config, env, after_send=crash)
    in_doubt = [k for k, e in Ledger.load(config.ledger_path).entries.items()
                if e["state"] == "intent"]
    assert in_doubt == sent
    network = in_doubt[0].rsplit(":", 1)[1]
    (mastodon.add_statuses if network == "mastodon" else bluesky.add_records)(150)
    code, output = post(config, env)
    assert code == 0, output
    assert table(output)[in_doubt[0]] == "already there"
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_a_window_too_big_to_read_sends_nothing_in_doubt(config, env, mastodon, bluesky, site):
    config = dataclasses.replace(config, reconcile_max=100)
    mastodon.add_statuses(150)
    bluesky.add_records(150)
    code, output = post(config, env)  # no ledger: every post is in doubt
    assert code == 1
    assert "more than 100 posts since" in output
    assert mastodon.calls(STATUSES) == [] and bluesky.calls(RECORDS) == []


# -- order -------------------------------------------------------------------------


def test_posts_deferred_then_due_go_out_in_the_queues_order(config, env, mastodon, bluesky, site):
    second = "/artikel/der-netzausfall-am-3-oktober/"
    site.not_live.add(second)
    code, output = post(config, env)
    assert code == 0, output
    rows = table(output)
    assert rows["artikel/vertrauen.md:mastodon"] == "posted"  # older: not held
    assert rows["artikel/netzausfall.md:mastodon"] == "deferred"
    later = [p["key"] for p in queue(config)
             if p["date"] > next(q["date"] for q in queue(config)
                                 if q["key"] == "artikel/netzausfall.md:mastodon")]
    assert later and all(rows[key] == "deferred" for key in later)
    site.not_live.clear()
    code, output = post(config, env)
    assert code == 0, output
    assert_each_post_arrived_once(config, mastodon, bluesky)
    assert_queue_order(config, mastodon, bluesky)


# -- messages --------------------------------------------------------------------------


def test_a_secret_cut_by_the_length_limit_is_still_masked(config, env, mastodon, bluesky, site):
    token = "x" * 120 + "-geheim-" + "y" * 120  # the fake echoes it in its 401 message
    code, output = post(config, {**env, "MASTODON_ACCESS_TOKEN": token}, only="mastodon")
    assert code == 1
    assert "access token refused" in output and "***" in output
    for start in range(len(token) - 12):
        assert token[start:start + 12] not in output


def test_after_a_failed_login_too_old_posts_are_skipped_as_the_dry_run_says(
    config, env, mastodon, bluesky, site
):
    config = dataclasses.replace(config, max_age_days=14)
    later = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)  # the articles are too old by now
    wrong = {**env, "MASTODON_ACCESS_TOKEN": "wrong-token-1234"}
    _, dry = post(config, wrong, dry_run=True, now=later, only="mastodon")
    code, real = post(config, wrong, now=later, only="mastodon")
    assert code == 1
    dry_rows, real_rows = table(dry), table(real)
    old = {k for k, s in dry_rows.items() if s == "skipped"}
    assert old and {real_rows[k] for k in old} == {"skipped"}
    assert {s for k, s in real_rows.items() if k not in old} == {"failed"}


def test_invoke_social_post_takes_settings(config, tmp_path):
    settings = tmp_path / "conf.py"
    settings.write_text(textwrap.dedent(f"""
        OUTPUT_PATH = {config.output_path!r}
        SOCIAL_LEDGER_PATH = {str(tmp_path / "ledger.json")!r}
        SOCIAL_MAX_AGE_DAYS = None
    """))
    invoke = os.path.join(os.path.dirname(sys.executable), "invoke")
    environment = {k: v for k, v in os.environ.items()
                   if not k.startswith(("MASTODON_", "BLUESKY_", "SITEURL"))}
    done = subprocess.run([invoke, "social-post", "--settings", str(settings), "--dry-run"],
                          cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "=== mastodon: artikel/vertrauen.md:mastodon (skipped: " in done.stdout
    missing = subprocess.run([invoke, "social-post", "--settings", str(tmp_path / "nope.py")],
                             cwd=ROOT, env=environment, capture_output=True, text=True,
                             timeout=120, check=False)
    assert missing.returncode == 2
    assert "nope.py: no such settings file" in missing.stderr
