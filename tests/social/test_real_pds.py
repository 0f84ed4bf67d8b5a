"""Bluesky posting against the reference PDS (realpds.py), not a stand-in:
the records are validated by the real lexicons and read back from the real
repository. Mastodon has no such server that runs here (Ruby, PostgreSQL,
Redis); its tests use the stand-in in fakes.py."""

import dataclasses
import uuid

import pytest
from social.ledger import Ledger

from .realpds import PdsUnavailable, RealPds
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
def account(pds):
    handle, password, did = pds.account()
    return {"BLUESKY_BASE_URL": pds.url, "BLUESKY_HANDLE": handle,
            "BLUESKY_APP_PASSWORD": password, "did": did}


def env_of(account):
    return {k: v for k, v in account.items() if k != "did"}


def records(pds, account):
    """Every app.bsky.feed.post record of the account, newest first."""
    from atproto import Client, models

    client = Client(base_url=pds.url)
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
    from atproto import Client

    client = Client(base_url=pds.url)
    client.login(account["BLUESKY_HANDLE"], account["BLUESKY_APP_PASSWORD"],
                 fetch_bsky_profile=False)  # no AppView in this network
    for number in range(count):
        client.send_post(f"Danke für Ihre Nachricht Nr. {number}, wir melden uns.",
                         profile_identify=account["did"])


def assert_each_bluesky_post_once(config, pds, account):
    texts = [r.value.text for r in records(pds, account)]
    for item in queue(config):
        if item["network"] == "bluesky":
            assert texts.count(item["text"]) == 1, item["key"]


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
