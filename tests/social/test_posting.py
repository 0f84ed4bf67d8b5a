"""`invoke social-post` against local Mastodon and Bluesky servers.

The real Mastodon.py and atproto libraries talk HTTP to the fakes in
fakes.py; faults are injected on the servers, never inside the libraries.
"""

import dataclasses
import io
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter

import pytest

from social.commands import main, run
from social.ledger import Ledger

from .fakes import OWN_TEXT, FakeMastodon

pytestmark = [
    pytest.mark.timeout(60),
    # atproto's upload_blob hands httpx raw bytes as `data=`; not ours to change.
    pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning"),
]

STATUSES = "POST /api/v1/statuses"
RECORDS = "POST createRecord"


def post(config, env, **kwargs):
    out = io.StringIO()
    code = run(config, env=env, out=out, **kwargs)
    return code, out.getvalue()


def queue(config):
    with open(config.queue_path, encoding="utf-8") as handle:
        return json.load(handle)["posts"]


def table(output):
    """status per post key from the printed table."""
    rows = {}
    for line in output.splitlines():
        parts = line.split()
        for i, part in enumerate(parts[:3]):
            if part in ("mastodon", "bluesky") and i > 0 and len(parts) > i + 1:
                rows[parts[i + 1]] = " ".join(parts[:i])
                break
    return rows


def assert_each_post_arrived_once(config, mastodon, bluesky):
    posts = queue(config)
    sent = {  # the account's other posts (add_statuses, add_records) aside
        "mastodon": Counter(s["_text"] for s in mastodon.statuses if s["_text"] != OWN_TEXT),
        "bluesky": Counter(r["value"]["text"] for r in bluesky.records
                           if r["value"]["text"] != OWN_TEXT),
    }
    for item in posts:
        assert sent[item["network"]][item["text"]] == 1, (
            item["key"],
            sent[item["network"]][item["text"]],
        )
    assert sum(sent["mastodon"].values()) == sum(1 for p in posts if p["network"] == "mastodon")
    assert sum(sent["bluesky"].values()) == sum(1 for p in posts if p["network"] == "bluesky")


def assert_queue_order(config, mastodon, bluesky):
    """Each network shows the posts in the queue's order (oldest first)."""
    sent = {
        "mastodon": [s["_text"] for s in mastodon.statuses],
        "bluesky": [r["value"]["text"] for r in bluesky.records],
    }
    for network, texts in sent.items():
        expected = [p["text"] for p in queue(config) if p["network"] == network]
        assert [t for t in texts if t in expected] == expected, network


# -- the normal case ----------------------------------------------------------


def test_posts_everything_once_and_the_next_run_sends_nothing(config, env, mastodon, bluesky, site):
    code, output = post(config, env)
    assert code == 0, output
    assert set(table(output).values()) == {"posted"}
    assert_each_post_arrived_once(config, mastodon, bluesky)

    code, output = post(config, env)
    assert code == 0, output
    assert table(output) == {}
    assert "12 done in earlier runs" in output
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_mastodon_requests_carry_language_idempotency_key_and_reply(
    config, env, mastodon, bluesky, site
):
    post(config, env)
    by_key = {r["headers"]["Idempotency-Key"]: r for r in mastodon.calls(STATUSES)}
    first = by_key["stoerungen/internet-kiel.md:update-1:mastodon"]
    assert first["form"]["language"] == "de"
    assert first["form"]["visibility"] == "public"
    assert "in_reply_to_id" not in first["form"]
    root_id = next(
        s["id"]
        for s in mastodon.statuses
        if s["_idempotency_key"] == first["headers"]["Idempotency-Key"]
    )
    for index in (2, 3):
        assert (
            by_key[f"stoerungen/internet-kiel.md:update-{index}:mastodon"]["form"]["in_reply_to_id"]
            == root_id
        )
    ledger = Ledger.load(config.ledger_path)
    assert ledger.get("artikel/vertrauen.md:mastodon")["remote_url"].endswith(
        "/@service/" + ledger.get("artikel/vertrauen.md:mastodon")["remote_id"]
    )


def test_bluesky_records_have_langs_facets_card_and_reply(config, env, mastodon, bluesky, site):
    post(config, env)
    assert len(bluesky.calls("POST createSession")) == 1  # one session for all posts
    records = {r["value"]["text"]: r for r in bluesky.records}
    expected = {p["key"]: p for p in queue(config) if p["network"] == "bluesky"}
    article = records[expected["artikel/vertrauen.md:bluesky"]["text"]]["value"]
    assert article["langs"] == ["de"]
    assert [f["index"] for f in article["facets"]] == [
        {
            "byteStart": f["index"]["byteStart"],
            "byteEnd": f["index"]["byteEnd"],
            "$type": "app.bsky.richtext.facet#byteSlice",
        }
        for f in expected["artikel/vertrauen.md:bluesky"]["facets"]
    ]
    external = article["embed"]["external"]
    assert external["uri"].endswith("/artikel/vertrauen-entsteht-im-kleinen/")
    assert external["title"] == "Vertrauen entsteht im Kleinen"
    blob = external["thumb"]
    assert blob["mimeType"] == "image/png"
    assert bluesky.blobs[blob["ref"]["$link"]][0] == "image/png"
    root = records[expected["stoerungen/internet-kiel.md:update-1:bluesky"]["text"]]
    reply = records[expected["stoerungen/internet-kiel.md:update-3:bluesky"]["text"]]["value"][
        "reply"
    ]
    assert (
        reply["root"]
        == reply["parent"]
        == {"uri": root["uri"], "cid": root["cid"], "$type": "com.atproto.repo.strongRef"}
    )


# -- modes ----------------------------------------------------------------------


def test_dry_run_prints_exactly_what_would_be_sent_and_touches_nothing(
    config, env, mastodon, bluesky, site
):
    code, output = post(config, env, dry_run=True)
    assert code == 0, output
    for item in queue(config):
        for line in item["text"].split("\n"):
            assert f"  | {line}" in output
        assert f"=== {item['network']}: {item['key']} (would post)" in output
    assert "Idempotency-Key: artikel/vertrauen.md:mastodon" in output
    assert '"$type": "app.bsky.richtext.facet#link"' in output
    assert mastodon.requests == [] and bluesky.requests == [] and site.requests == []
    assert not os.path.exists(config.ledger_path)


def test_dry_run_without_credentials_still_shows_the_texts(config, mastodon, bluesky, site):
    code, output = post(config, {}, dry_run=True)
    assert code == 0
    first = queue(config)[0]
    label = "Bluesky" if first["network"] == "bluesky" else "Mastodon"
    assert f"=== {first['network']}: {first['key']} (skipped: " in output
    assert f"not set; {label} skipped)" in output
    assert f"  | {first['text'].splitlines()[0]}" in output


def test_init_marks_everything_done_without_posting(config, env, mastodon, bluesky, site):
    code, output = post(config, env, init=True)
    assert code == 0, output
    assert set(table(output).values()) == {"marked done"}
    assert mastodon.requests == [] and bluesky.requests == []
    code, output = post(config, env)
    assert code == 0 and table(output) == {}
    assert mastodon.statuses == [] and bluesky.records == []


def test_a_missing_credential_skips_that_network(config, env, mastodon, bluesky, site):
    del env["BLUESKY_APP_PASSWORD"]
    code, output = post(config, env)
    assert code == 0, output
    assert "BLUESKY_APP_PASSWORD not set; Bluesky skipped" in output
    rows = table(output)
    assert {s for k, s in rows.items() if k.endswith(":bluesky")} == {"skipped"}
    assert {s for k, s in rows.items() if k.endswith(":mastodon")} == {"posted"}
    assert bluesky.requests == []


def test_the_command_line_entry_point(
    config, env, mastodon, bluesky, site, tmp_path, monkeypatch, capsys
):
    settings = tmp_path / "conf.py"
    settings.write_text(
        textwrap.dedent(f"""
        OUTPUT_PATH = {config.output_path!r}
        SOCIAL_LEDGER_PATH = {str(tmp_path / "cli-ledger.json")!r}
        SOCIAL_MAX_AGE_DAYS = None  # the sample posts are dated; the test must not age
    """)
    )
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["--settings", str(settings), "--dry-run", "--network", "mastodon"]) == 0
    output = capsys.readouterr().out
    assert "=== mastodon: artikel/vertrauen.md:mastodon (would post)" in output
    assert "=== bluesky" not in output
    assert main(["--settings", str(settings), "--network", "mastodon"]) == 0
    assert (tmp_path / "cli-ledger.json").exists()
    assert len(mastodon.statuses) == 6 and bluesky.records == []


# -- deferred, not failed ---------------------------------------------------------


def test_a_page_not_live_yet_is_deferred_and_posted_in_a_later_run(
    config, env, mastodon, bluesky, site
):
    site.not_live.add("/artikel/vertrauen-entsteht-im-kleinen/")
    code, output = post(config, env)
    assert code == 0, output
    rows = table(output)
    assert (
        rows["artikel/vertrauen.md:mastodon"] == rows["artikel/vertrauen.md:bluesky"] == "deferred"
    )
    assert "page not live yet (HTTP 404)" in output
    # The oldest post waits, so the newer ones wait behind it.
    assert set(rows.values()) == {"deferred"}
    assert "waits for the older post artikel/vertrauen.md:mastodon" in output
    site.not_live.clear()
    code, output = post(config, env)
    assert code == 0
    assert set(table(output).values()) == {"posted"}
    assert "artikel/vertrauen.md:mastodon" in table(output)
    assert_each_post_arrived_once(config, mastodon, bluesky)
    assert_queue_order(config, mastodon, bluesky)


def test_a_page_with_an_old_og_title_is_deferred(config, env, mastodon, bluesky, site):
    site.pages["/artikel/der-netzausfall-am-3-oktober/"] = (
        '<html><head><meta property="og:title" content="Alter Titel"></head></html>'
    )
    code, output = post(config, env)
    assert code == 0
    assert table(output)["artikel/netzausfall.md:mastodon"] == "deferred"
    assert "expected 'Der Netzausfall am 3. Oktober'" in output


def test_an_update_missing_from_a_cached_notice_page_is_deferred(
    config, env, mastodon, bluesky, site
):
    site.pages["/stoerungen/internet-kiel/"] = (
        '<html><head><meta property="og:title" content="Internetstörung in Kiel"></head>'
        '<body><li id="update-1"></li><li id="update-2"></li></body></html>'
    )
    code, output = post(config, env)
    assert code == 0
    rows = table(output)
    assert rows["stoerungen/internet-kiel.md:update-2:mastodon"] == "posted"
    assert rows["stoerungen/internet-kiel.md:update-3:mastodon"] == "deferred"
    assert "page does not show #update-3 yet" in output


def test_replies_wait_for_the_first_post_of_their_notice(config, env, mastodon, bluesky, site):
    bluesky.fault(
        RECORDS, "ok", "ok", "ok", ("status", 400, {"error": "InvalidRequest", "message": "nope"})
    )
    code, output = post(config, env)
    assert code == 1
    rows = table(output)
    assert rows["stoerungen/internet-kiel.md:update-1:bluesky"] == "failed"
    assert rows["stoerungen/internet-kiel.md:update-2:bluesky"] == "deferred"
    assert "waits for the notice's first post" in output
    code, output = post(config, env)
    assert code == 0, output
    assert_each_post_arrived_once(config, mastodon, bluesky)


# -- errors -----------------------------------------------------------------------


def test_timeouts_and_server_errors_are_retried(config, env, mastodon, bluesky, site):
    mastodon.fault(STATUSES, "timeout", "500")
    bluesky.fault(RECORDS, "500", "timeout")
    code, output = post(config, env)
    assert code == 0, output
    assert len(mastodon.calls(STATUSES)) == 6 + 2
    assert len(bluesky.calls(RECORDS)) == 6 + 2
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_too_many_requests_waits_for_retry_after(config, env, mastodon, bluesky, site):
    mastodon.fault(STATUSES, ("429", {"Retry-After": "1"}))
    bluesky.fault(RECORDS, ("429", {"Retry-After": "1", "RateLimit-Remaining": "0"}))
    code, output = post(config, env)
    assert code == 0, output
    for server, route in ((mastodon, STATUSES), (bluesky, RECORDS)):
        first, second = server.calls(route)[:2]
        assert second["time"] - first["time"] >= 0.95
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_a_long_rate_limit_defers_the_network_to_the_next_run(config, env, mastodon, bluesky, site):
    reset = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 3600))
    mastodon.fault(STATUSES, ("429", {"X-RateLimit-Reset": reset}))
    code, output = post(config, env)
    assert code == 0, output
    rows = table(output)
    assert {s for k, s in rows.items() if k.endswith(":mastodon")} == {"deferred"}
    assert len(mastodon.calls(STATUSES)) == 1
    code, output = post(config, env)
    assert code == 0
    assert_each_post_arrived_once(config, mastodon, bluesky)


@pytest.mark.parametrize("status", [401, 403, 422])
def test_permanent_errors_are_reported_and_not_retried(
    config, env, mastodon, bluesky, site, status
):
    mastodon.fault(STATUSES, ("status", status, {"error": "Validation failed"}))
    code, output = post(config, env)
    assert code == 1
    rows = table(output)
    first = next(k for k in rows if k.endswith(":mastodon"))
    assert rows[first] == "failed"
    assert f"HTTP {status}" in output
    posted_after = [s for k, s in rows.items() if k.endswith(":mastodon") and k != first]
    if status in (401, 403):  # the credentials will not work for the next post either
        assert set(posted_after) == {"deferred"}
        assert len(mastodon.calls(STATUSES)) == 1
    else:
        assert set(posted_after) == {"posted"}
        assert len(mastodon.calls(STATUSES)) == 6
    assert Ledger.load(config.ledger_path).state(first) == "failed"


def test_a_connection_dropped_after_the_post_was_stored_does_not_post_twice(
    config, env, mastodon, bluesky, site
):
    mastodon.fault(STATUSES, "drop")
    bluesky.fault(RECORDS, "drop", "ok", "timeout-after-store")
    code, output = post(config, env)
    assert code == 0, output
    assert "arrived despite an error" in output
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_giving_up_keeps_the_post_in_doubt_and_the_next_run_resolves_it(
    config, env, mastodon, bluesky, site
):
    config = dataclasses.replace(config, retries=2)
    bluesky.fault(RECORDS, "timeout-after-store")  # stored, but no answer …
    bluesky.fault("GET getRecord", "500")  # … and the check before the retry fails
    code, output = post(config, env)
    assert code == 1
    first = next(p["key"] for p in queue(config) if p["network"] == "bluesky")
    assert Ledger.load(config.ledger_path).state(first) == "intent"
    assert "the next run checks the account" in output
    code, output = post(config, env)
    assert code == 0, output
    assert table(output)[first] == "already there"
    assert_each_post_arrived_once(config, mastodon, bluesky)


# -- crashes and lost state ---------------------------------------------------------


CRASHING_POSTER = """
import json, os, signal, sys
sys.path.insert(0, {plugins!r})
from social.commands import Config, run

config = Config(**json.loads({config!r}))
sent = []

def crash(post, remote):
    sent.append(post["key"])
    if len(sent) == {after}:
        os.kill(os.getpid(), signal.SIGKILL)  # between the network call and the ledger write

sys.exit(run(config, env=json.loads({env!r}), after_send=crash))
"""


@pytest.mark.parametrize("after", [1, 4])
def test_a_process_killed_between_the_call_and_the_ledger_write_posts_nothing_twice(
    config, env, mastodon, bluesky, site, after
):
    script = CRASHING_POSTER.format(
        plugins=os.path.join(os.path.dirname(__file__), "..", "..", "plugins"),
        config=json.dumps(dataclasses.asdict(config)),
        env=json.dumps(env),
        after=after,
    )
    process = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    ledger = Ledger.load(config.ledger_path)
    in_doubt = [k for k, e in ledger.entries.items() if e["state"] == "intent"]
    assert len(in_doubt) == 1
    code, output = post(config, env)
    assert code == 0, output
    assert table(output)[in_doubt[0]] == "already there"
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_a_lost_ledger_is_rebuilt_from_the_accounts_own_posts(config, env, mastodon, bluesky, site):
    post(config, env)
    os.remove(config.ledger_path)
    code, output = post(config, env)
    assert code == 0, output
    assert "does not exist yet" in output
    assert set(table(output).values()) == {"already there"}
    assert_each_post_arrived_once(config, mastodon, bluesky)
    assert Ledger.load(config.ledger_path).get("artikel/vertrauen.md:bluesky")["remote_cid"]


def test_without_a_ledger_an_unreadable_timeline_sends_nothing(
    config, env, mastodon, bluesky, site
):
    config = dataclasses.replace(config, retries=2)
    bluesky.fault("GET listRecords", *["500"] * 12)
    code, output = post(config, env)
    assert code == 1
    assert "may already be on the account" in output
    assert bluesky.calls(RECORDS) == []
    code, output = post(config, env)
    assert code == 0, output
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_a_renamed_source_file_is_not_posted_again(config, env, mastodon, bluesky, site):
    post(config, env)
    path = config.ledger_path
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    data["posts"] = {
        k.replace("artikel/vertrauen.md", "artikel/alt.md"): v for k, v in data["posts"].items()
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    code, output = post(config, env)
    assert code == 0, output
    assert table(output)["artikel/vertrauen.md:mastodon"] == "already there"
    assert "posted before as artikel/alt.md:mastodon" in output
    assert_each_post_arrived_once(config, mastodon, bluesky)


def test_repeated_runs_under_random_faults_post_everything_exactly_once(
    config, env, mastodon, bluesky, site
):
    faults = [
        "drop",
        "500",
        "ok",
        "timeout-after-store",
        ("429", {"Retry-After": "0"}),
        "ok",
        "drop",
    ]
    mastodon.fault(STATUSES, *faults)
    bluesky.fault(RECORDS, *reversed(faults))
    bluesky.fault("GET listRecords", "ok", "500")
    mastodon.fault("GET /api/v1/accounts/:id/statuses", "ok", "500")
    config = dataclasses.replace(config, retries=2)
    for _ in range(8):
        code, output = post(config, env)
        if code == 0 and "deferred" not in table(output).values():
            break
    assert_each_post_arrived_once(config, mastodon, bluesky)
    code, output = post(config, env)
    assert code == 0 and table(output) == {}


def test_never_posted_items_older_than_the_limit_are_skipped(config, env, mastodon, bluesky, site):
    import datetime as dt

    config = dataclasses.replace(config, max_age_days=14)
    code, output = post(config, env, now=dt.datetime(2027, 1, 31, tzinfo=dt.UTC))
    assert code == 0
    assert set(table(output).values()) == {"skipped"}
    assert "older than 14 days" in output
    assert mastodon.calls(STATUSES) == [] and bluesky.calls(RECORDS) == []


def test_an_instance_with_a_lower_limit_fails_the_post_before_sending(config, env, bluesky, site):
    small = FakeMastodon(max_characters=150).start()
    try:
        code, output = post(config, {**env, "MASTODON_API_BASE_URL": small.url}, only="mastodon")
    finally:
        small.stop()
    assert code == 1
    rows = table(output)
    length = {p["key"]: p["length"] for p in queue(config)}["artikel/vertrauen.md:mastodon"]
    assert rows["artikel/vertrauen.md:mastodon"] == "failed"
    assert f"the instance allows 150 characters, the post has {length}" in output
    assert rows["artikel/eigener-text.md:mastodon"] == "posted"
    assert {s["_idempotency_key"] for s in small.statuses} == {"artikel/eigener-text.md:mastodon"}


# -- secrets ------------------------------------------------------------------------


def test_credentials_never_appear_in_output_logs_or_ledger(
    config, env, mastodon, bluesky, site, caplog
):
    caplog.set_level(logging.DEBUG)
    code, output = post(config, env)
    assert code == 0, output
    wrong = {
        **env,
        "MASTODON_ACCESS_TOKEN": "wrong-secret-token-987",
    }  # the fake echoes it in its error
    code, wrong_output = post(
        dataclasses.replace(config, ledger_path=config.ledger_path + ".2"), wrong
    )
    assert code == 1
    assert "access token refused" in wrong_output and "***" in wrong_output
    with open(config.ledger_path) as first, open(config.ledger_path + ".2") as second:
        ledgers = first.read() + second.read()
    secrets = [
        env["MASTODON_ACCESS_TOKEN"],
        wrong["MASTODON_ACCESS_TOKEN"],
        env["BLUESKY_APP_PASSWORD"],
    ]
    secrets += list(bluesky.tokens)  # the session's access token
    assert len(secrets) >= 4
    for secret in secrets:
        for text in (output, wrong_output, ledgers, caplog.text):
            assert secret not in text


def test_a_queue_built_for_another_address_is_not_posted(config, env, mastodon, bluesky, site):
    """SITEURL says where the site lives; a queue built for another address (a
    development build links to 127.0.0.1) is refused, and dry-run warns."""
    built_for = json.load(open(config.queue_path, encoding="utf-8"))["site_url"]
    env = dict(env, SITEURL="https://service.example.org")
    code, output = post(config, env)
    assert code != 0
    assert f"built for {built_for}, not for SITEURL=https://service.example.org" in output
    assert mastodon.requests == [] and bluesky.requests == [] and site.requests == []
    code, output = post(config, env, dry_run=True)
    assert code == 0 and "warning: " in output and "(would post)" in output
    code, output = post(config, dict(env, SITEURL=built_for + "/"))
    assert code == 0, output
    assert len(mastodon.statuses) == 6
