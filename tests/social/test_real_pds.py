"""Bluesky posting against the reference PDS (realpds.py), not a stand-in:
the records are validated by the real lexicons and read back from the real
repository. Mastodon has no such server that runs here (Ruby, PostgreSQL,
Redis); its tests use the stand-in in fakes.py."""

import dataclasses
import time
import uuid

import pytest

from social.ledger import Ledger

from .realpds import REQUEST_SECONDS, PdsProxy, PdsUnavailable, RealPds
from .test_posting import post, queue, table

pytestmark = [
    # The first run installs the PDS with npm (about two minutes on 2 cores).
    pytest.mark.timeout(900),
    pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning"),
]


@pytest.fixture(scope="module")
def pds():
    try:
        server = RealPds()
    except PdsUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def config(config):
    """The poster waits as long for the PDS as the tests' own client does: the
    fakes' half second would make an ordinary slow answer on a loaded machine
    a timeout (the tests below that want one make it on purpose)."""
    return dataclasses.replace(config, timeout=REQUEST_SECONDS)


@pytest.fixture
def account(pds):
    created = time.time()
    handle, password, did = pds.account()
    return {"BLUESKY_BASE_URL": pds.url, "BLUESKY_HANDLE": handle,
            "BLUESKY_APP_PASSWORD": password, "did": did, "created": created}


def env_of(account):
    return {k: v for k, v in account.items() if k.startswith("BLUESKY_")}


def records(pds, account):
    """Every app.bsky.feed.post record of the account, newest first."""
    from atproto import models

    client = pds.client()
    found, cursor = [], None
    for _ in range(100):
        page = client.com.atproto.repo.list_records(models.ComAtprotoRepoListRecords.Params(
            repo=account["did"], collection="app.bsky.feed.post", limit=100, cursor=cursor))
        found += page.records
        cursor = page.cursor
        if not cursor or not page.records:
            break
    return found


def write_answers(pds, account, count):
    """What a busy service account writes between two runs: answers to customers."""
    client = pds.client()
    client.login(account["BLUESKY_HANDLE"], account["BLUESKY_APP_PASSWORD"],
                 fetch_bsky_profile=False)  # no AppView in this network
    for number in range(count):
        client.send_post(f"Danke für Ihre Nachricht Nr. {number}, wir melden uns.",
                         profile_identify=account["did"])


def assert_each_bluesky_post_once(config, pds, account):
    """On failure the message shows every record of the account and the PDS's
    log of writes and reads, so that one failure tells what happened."""
    found = records(pds, account)
    texts = [r.value.text for r in found]
    for item in queue(config):
        if item["network"] == "bluesky":
            assert texts.count(item["text"]) == 1, "\n".join([
                f"{item['key']}: {texts.count(item['text'])} records with its text; the account's:",
                *(f"  {r.uri} createdAt={r.value.created_at} {r.value.text[:40]!r}" for r in found),
                "the PDS's log since the account was made:",
                *pds.requests_seen("createRecord", "listRecords", "getRecord", "uploadBlob",
                                   since=account["created"]),
            ])


def test_posts_reach_a_real_pds_once_with_langs_facets_card_and_replies(
    config, account, pds, site
):
    code, output = post(config, env_of(account), only="bluesky")
    assert code == 0, output
    assert set(table(output).values()) == {"posted"}
    assert_each_bluesky_post_once(config, pds, account)
    by_text = {r.value.text: r for r in records(pds, account)}
    expected = {p["key"]: p for p in queue(config) if p["network"] == "bluesky"}
    article = by_text[expected["artikel/vertrauen.md:bluesky"]["text"]].value
    assert article.langs == ["de"]
    assert [(f.index.byte_start, f.index.byte_end) for f in article.facets] == [
        (f["index"]["byteStart"], f["index"]["byteEnd"])
        for f in expected["artikel/vertrauen.md:bluesky"]["facets"]]
    external = article.embed.external
    assert external.title == "Vertrauen entsteht im Kleinen"
    assert external.thumb.mime_type == "image/png"  # the blob was stored by the PDS
    root = by_text[expected["stoerungen/internet-kiel.md:update-1:bluesky"]["text"]]
    reply = by_text[expected["stoerungen/internet-kiel.md:update-3:bluesky"]["text"]].value.reply
    assert (reply.root.uri, reply.root.cid) == (root.uri, root.cid)
    assert (reply.parent.uri, reply.parent.cid) == (root.uri, root.cid)
    code, output = post(config, env_of(account), only="bluesky")
    assert code == 0 and table(output) == {}


def test_a_lost_ledger_behind_more_than_100_newer_posts_on_a_real_pds(
    config, account, pds, site
):
    code, output = post(config, env_of(account), only="bluesky")
    assert code == 0, output
    write_answers(pds, account, 120)
    config = dataclasses.replace(config, ledger_path=config.ledger_path + f".{uuid.uuid4().hex}")
    code, output = post(config, env_of(account), only="bluesky")
    assert code == 0, output
    assert set(table(output).values()) == {"already there"}, output
    assert_each_bluesky_post_once(config, pds, account)
    assert Ledger.load(config.ledger_path).get("artikel/vertrauen.md:bluesky")["remote_cid"]


class Crash(BaseException):
    """The process dies between the network call and the ledger write."""


def test_an_intent_left_by_a_crash_behind_more_than_100_newer_posts_on_a_real_pds(
    config, account, pds, site
):
    def crash(post_, remote):
        raise Crash

    with pytest.raises(Crash):
        post(config, env_of(account), only="bluesky", after_send=crash)
    entries = Ledger.load(config.ledger_path).entries
    in_doubt = [k for k, e in entries.items() if e["state"] == "intent"]
    assert len(in_doubt) == 1
    write_answers(pds, account, 120)
    code, output = post(config, env_of(account), only="bluesky")
    assert code == 0, output
    assert table(output)[in_doubt[0]] == "already there"
    assert_each_bluesky_post_once(config, pds, account)


def test_a_record_the_pds_stores_after_the_poster_gave_up_and_looked_is_not_sent_twice(
    config, account, pds, site
):
    """What a PDS under load does: createRecord outlasts the client's patience,
    the PDS goes on, and the record lands only after the listing before the
    retry was read. A proxy holds the first createRecord back (the poster sees
    the connection drop) and passes it on once the PDS answered the next
    listRecords, before that answer goes back to the poster."""
    proxy = PdsProxy(pds.url).start()
    try:
        proxy.fault("POST createRecord", ("store-late", "GET listRecords"))
        code, output = post(config, dict(env_of(account), BLUESKY_BASE_URL=proxy.url),
                            only="bluesky")
    finally:
        proxy.stop()
    assert code == 0, output
    assert_each_bluesky_post_once(config, pds, account)
    first = next(p["key"] for p in queue(config) if p["network"] == "bluesky")
    assert table(output)[first] == "already there", output
    assert len(proxy.calls("POST createRecord")) == 2 + 5  # the retry was refused, not stored
    code, output = post(config, env_of(account), only="bluesky")
    assert code == 0 and table(output) == {}
