"""The CI workflows pass zizmor and actionlint, and keep the rights they hand out small.

zizmor and actionlint are the independent judges; the policy tests below state
what neither checks: which job may write, where the posting secrets appear.
A copy of deploy.yml with typical mistakes put back proves that both tools
read our file and would fail this suite.
"""

import re
import shutil

import pytest

from tests.ci.workflows import (
    DEPLOY,
    WORKFLOWS,
    ZIZMOR_CONFIG,
    actionlint,
    actionlint_line,
    describe,
    load,
    workflow_files,
    zizmor,
    zizmor_line,
)

# GitHub's own actions by major tag (zizmor.yml allows exactly that); anything else by commit.
FIRST_PARTY = re.compile(r"^actions/[\w.-]+(/[\w./-]+)?@v\d+$")
HASH_PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def steps(workflow):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


# ---- the two checkers --------------------------------------------------


def test_zizmor_finds_nothing():
    findings, audited = zizmor(WORKFLOWS.parent)
    assert not findings, "zizmor:\n" + describe(findings, zizmor_line)
    assert {p.resolve() for p in workflow_files()} <= {p.resolve() for p in audited}


def test_actionlint_finds_nothing():
    findings = actionlint(workflow_files())
    assert not findings, "actionlint:\n" + describe(findings, actionlint_line)


RISKY_EDITS = [
    # Pages rights for the whole workflow again, and the build job takes them
    ("permissions: {}", "permissions:\n  contents: read\n  pages: write\n  id-token: write"),
    ("    permissions:\n      contents: read  # check out the repository\n", ""),
    # the first checkout (the build job's) keeps its token in .git/config
    ("      - uses: actions/checkout@v7\n        with:\n          persist-credentials: false\n",
     "      - uses: actions/checkout@v7\n"),
    # a commit message expanded inside the script that holds the posting secrets
    ('.venv/bin/invoke social-post "$@"',
     '.venv/bin/invoke social-post "$@"\n          echo "${{ github.event.head_commit.message }}"'),
    # a third-party action by tag, and a checkout on the removed node20 runtime
    ("uses: actions/upload-pages-artifact@v5", "uses: example-org/upload-pages@v5"),
    ("uses: actions/download-artifact@v8\n        with:\n          name: social-ledger",
     "uses: actions/download-artifact@v4\n        with:\n          name: social-ledger"),
]


@pytest.fixture
def risky_copy(tmp_path):
    """deploy.yml with the mistakes this work removed put back, in a repository of its own."""
    text = DEPLOY.read_text(encoding="utf-8")
    for old, new in RISKY_EDITS:
        assert old in text, f"deploy.yml changed; update RISKY_EDITS: {old!r}"
        text = text.replace(old, new, 1)
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "deploy.yml").write_text(text, encoding="utf-8")
    shutil.copy(ZIZMOR_CONFIG, tmp_path / ".github" / "zizmor.yml")
    return folder / "deploy.yml"


def test_both_checkers_catch_the_old_mistakes_in_our_workflow(risky_copy):
    findings, _ = zizmor(risky_copy.parent.parent, config=risky_copy.parent.parent / "zizmor.yml")
    found = {f["ident"] for f in findings}
    report = describe(findings, zizmor_line)
    expected = {"excessive-permissions", "artipacked", "template-injection", "unpinned-uses"}
    assert expected <= found, report
    # The exception for hash pinning covers GitHub's own actions only.
    unpinned = [zizmor_line(f) for f in findings if f["ident"] == "unpinned-uses"]
    assert unpinned and all("example-org/upload-pages" in line for line in unpinned), report

    lint = describe(actionlint([risky_copy]), actionlint_line)
    assert "github.event.head_commit.message" in lint, lint
    assert 'runtime "node20" is deprecated' in lint and "actions/download-artifact@v4" in lint, lint


# ---- what the checkers do not know: our own policy ---------------------


def test_no_right_by_default_and_each_job_names_its_own():
    workflow = load()
    assert workflow["permissions"] in ({}, {"contents": "read"})
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {job_id} inherits the workflow's permissions"


def test_only_deploy_may_publish_and_only_the_ledger_job_may_push():
    writes = {
        job_id: sorted(k for k, v in job["permissions"].items() if v == "write")
        for job_id, job in load()["jobs"].items()
    }
    assert {j: w for j, w in writes.items() if w} == {
        "deploy": ["id-token", "pages"],
        "ledger": ["contents"],
    }


def test_the_job_that_pushes_runs_no_project_code_and_holds_no_secret():
    ledger = load()["jobs"]["ledger"]
    text = repr(ledger)
    assert "secrets." not in text and "actions/checkout" not in text
    assert ".venv" not in text and "make " not in text and "invoke" not in text
    uses = [s["uses"].split("@")[0] for s in ledger["steps"] if "uses" in s]
    assert uses == ["actions/download-artifact"]


def test_posting_secrets_only_in_the_posting_step():
    workflow = load()
    holders = []
    for job_id, step in steps(workflow):
        if "secrets." in repr(step):
            holders.append((job_id, step.get("name")))
            assert all("secrets." not in repr(v) for v in step.get("with", {}).values())
            assert "invoke social-post" in step["run"]
    assert holders == [("social", "Post to Mastodon and Bluesky")]
    for job_id, job in workflow["jobs"].items():
        assert "secrets." not in repr(job.get("env", {})), job_id
    assert "secrets." not in repr(workflow.get("env", {}))


def test_the_token_reaches_scripts_only_where_git_needs_it():
    holders = [
        (job_id, step["name"]) for job_id, step in steps(load())
        if "github.token" in repr(step) or "GITHUB_TOKEN" in repr(step)
    ]
    assert holders == [
        ("social", "Restore the ledger"),
        ("ledger", "Push the ledger to the social-ledger branch"),
    ]


def test_no_checkout_keeps_its_token():
    checkouts = [s for _, s in steps(load()) if s.get("uses", "").startswith("actions/checkout@")]
    assert checkouts
    for step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, step


def test_no_expression_is_expanded_inside_a_script():
    for job_id, step in steps(load()):
        assert "${{" not in step.get("run", ""), f"{job_id}: {step.get('name') or step['run']}"


def test_every_action_is_a_major_of_githubs_own_or_pinned_by_hash():
    for job_id, step in steps(load()):
        if "uses" in step:
            ref = step["uses"]
            assert FIRST_PARTY.match(ref) or HASH_PINNED.match(ref), f"{job_id}: {ref}"
