"""The GitHub emulator behaves like GitHub where the sync depends on it (real HTTP, PyGithub)."""

from __future__ import annotations

import pytest
import requests
from github import Auth, BadCredentialsException, Github, GithubException
from github.GithubException import RateLimitExceededException

from sync_helpers import REPO, TOKEN


@pytest.fixture
def gh(github_emulator):
    client = Github(
        auth=Auth.Token(TOKEN),
        base_url=github_emulator.url,
        retry=None,
        per_page=100,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )
    yield client
    client.close()


def raw(em, path, token=TOKEN, **params):
    return requests.get(
        em.url + path, params=params, headers={"Authorization": f"token {token}"}, timeout=5
    )


def test_issues_and_pull_requests_share_numbers_and_the_list(github_emulator, gh):
    em = github_emulator
    em.add_issue(REPO, "first")
    em.add_pull_request(REPO, "a pull request")
    repo = gh.get_repo(REPO)
    third = repo.create_issue("third")
    assert third.number == 3
    listed = raw(em, f"/repos/{REPO}/issues", state="all").json()
    assert [i["number"] for i in listed] == [3, 2, 1]
    assert ["pull_request" in i for i in listed] == [False, True, False]


def test_label_filter_means_all_labels_and_state_all(github_emulator, gh):
    em = github_emulator
    em.add_issue(REPO, "both", labels=["a", "b"])
    em.add_issue(REPO, "only a", labels=["a"])
    closed = em.add_issue(REPO, "closed both", labels=["a", "b"])
    closed["state"] = "closed"
    numbers = lambda **p: [i["number"] for i in raw(em, f"/repos/{REPO}/issues", **p).json()]  # noqa: E731
    assert numbers(labels="a,b") == [1]
    assert numbers(labels="a,b", state="all") == [3, 1]
    assert numbers(labels="a", state="closed") == [3]


def test_link_headers_use_the_host_and_port_the_client_used(github_emulator, gh):
    em = github_emulator
    for n in range(250):
        em.add_issue(REPO, f"issue {n}", labels=["x"])
    response = raw(em, f"/repos/{REPO}/issues", state="all", labels="x", per_page=100)
    assert f"<http://127.0.0.1:{em.port}/repos/{REPO}/issues?" in response.headers["Link"]
    assert 'rel="next"' in response.headers["Link"]
    # PyGithub follows them (it refuses links to another host or port)
    em.reset_counts()
    assert len(list(gh.get_repo(REPO).get_issues(state="all", labels=["x"]))) == 250
    assert em.count("GET", r"/issues$") == 3


def test_edit_replaces_label_and_assignee_sets(github_emulator, gh):
    issue = gh.get_repo(REPO).create_issue("t", labels=["a", "b"], assignees=["alice", "bob"])
    issue.edit(labels=["c"], assignees=["carol"])
    stored = github_emulator.issues(REPO)[0]
    assert [label["name"] for label in stored["labels"]] == ["c"]
    assert [user["login"] for user in stored["assignees"]] == ["carol"]
    issue.edit(state="closed", state_reason="not_planned")
    assert (stored["state"], stored["state_reason"]) == ("closed", "not_planned")
    issue.edit(state="open")
    assert (stored["state"], stored["state_reason"]) == ("open", "reopened")


def test_validation_errors_are_422(github_emulator, gh):
    repo = gh.get_repo(REPO)
    with pytest.raises(GithubException) as unknown:
        repo.create_issue("t", assignees=["mallory"])
    assert unknown.value.status == 422
    assert unknown.value.data["errors"][0]["field"] == "assignees"
    with pytest.raises(GithubException) as long_title:
        repo.create_issue("x" * 257)
    assert long_title.value.status == 422
    with pytest.raises(GithubException) as long_body:
        repo.create_issue("t", body="x" * 65_537)
    assert long_body.value.status == 422
    assert github_emulator.issues(REPO) == []  # a 422 creates nothing


def test_bad_token_is_401(github_emulator):
    client = Github(auth=Auth.Token("wrong"), base_url=github_emulator.url, retry=None)
    with pytest.raises(BadCredentialsException):
        client.get_repo(REPO)
    assert raw(github_emulator, "/user", token="nope").status_code == 401


def test_rate_limits_are_403_with_retry_after_and_429(github_emulator, gh):
    em = github_emulator
    repo = gh.get_repo(REPO)
    em.inject("secondary_limit", retry_after=7)
    with pytest.raises(RateLimitExceededException) as secondary:
        repo.create_issue("t")
    assert secondary.value.status == 403
    assert secondary.value.headers["retry-after"] == "7"
    em.inject("too_many_requests")
    with pytest.raises(GithubException) as too_many:
        repo.create_issue("t")
    assert too_many.value.status == 429
    em.inject("primary_limit", method="GET")
    with pytest.raises(RateLimitExceededException) as primary:
        repo.get_issues().get_page(0)
    assert primary.value.headers["x-ratelimit-remaining"] == "0"
    assert em.issues(REPO) == []  # nothing was committed


def test_502_after_commit_commits_the_write(github_emulator, gh):
    github_emulator.inject("502_after_commit", method="POST", path=r"/issues$")
    with pytest.raises(GithubException) as error:
        gh.get_repo(REPO).create_issue("created anyway")
    assert error.value.status == 502
    assert [i["title"] for i in github_emulator.issues(REPO)] == ["created anyway"]


def test_connection_resets_before_and_after_commit(github_emulator, gh):
    repo = gh.get_repo(REPO)
    github_emulator.inject("reset_before_commit")
    with pytest.raises(requests.ConnectionError):
        repo.create_issue("lost")
    github_emulator.inject("reset_after_commit")
    with pytest.raises(requests.ConnectionError):
        repo.create_issue("kept")
    assert [i["title"] for i in github_emulator.issues(REPO)] == ["kept"]


def test_faults_can_wait_for_a_random_point(github_emulator, gh):
    github_emulator.inject("502_after_commit", skip=2)
    repo = gh.get_repo(REPO)
    repo.create_issue("one")
    repo.create_issue("two")
    with pytest.raises(GithubException):
        repo.create_issue("three")
    repo.create_issue("four")
    assert len(github_emulator.issues(REPO)) == 4


def test_requests_are_counted_by_method_and_path(github_emulator, gh):
    repo = gh.get_repo(REPO)
    repo.create_issue("t")
    repo.create_label("post-mortem", "5319e7")
    assert repo.has_in_assignees("alice") and not repo.has_in_assignees("mallory")
    counts = github_emulator.counts()
    assert counts[("POST", f"/repos/{REPO}/issues")] == 1
    assert counts[("POST", f"/repos/{REPO}/labels")] == 1
    assert counts[("GET", f"/repos/{REPO}/assignees/alice")] == 1
    assert github_emulator.writes == 2
    with pytest.raises(GithubException) as twice:
        repo.create_label("Post-Mortem", "5319e7")
    assert twice.value.data["errors"][0]["code"] == "already_exists"
    assert repo.get_label("post-mortem").color == "5319e7"


# ----------------------------------------------------------- as GitHub documents it
def test_state_reason_applies_only_with_a_change_of_state(github_emulator, gh):
    """GitHub: state_reason is "Ignored unless `state` is changed"."""
    issue = gh.get_repo(REPO).create_issue("t")
    issue.edit(state="closed", state_reason="completed")
    issue.edit(state="closed", state_reason="not_planned")  # no change of state: ignored
    stored = github_emulator.issues(REPO)[0]
    assert (stored["state"], stored["state_reason"]) == ("closed", "completed")


def test_an_installation_token_without_permission_gets_403_from_an_integration(github_emulator, gh):
    github_emulator.permissions = {"issues": "read"}
    assert raw(github_emulator, "/user").status_code == 403  # as for GITHUB_TOKEN
    with pytest.raises(GithubException) as refused:
        gh.get_repo(REPO).create_issue("t")
    assert refused.value.status == 403
    assert refused.value.data["message"] == "Resource not accessible by integration"
    assert raw(github_emulator, f"/repos/{REPO}/issues").status_code == 200  # reading is fine


def test_issues_disabled_answer_410(github_emulator):
    github_emulator.repo(REPO).has_issues = False
    response = raw(github_emulator, f"/repos/{REPO}/issues")
    assert response.status_code == 410
    assert response.json()["message"] == "Issues are disabled for this repo"
    assert raw(github_emulator, f"/repos/{REPO}").json()["has_issues"] is False


def test_a_transferred_issue_answers_301_and_a_deleted_one_410(github_emulator, gh):
    em = github_emulator
    em.add_issue(REPO, "moving")
    em.add_issue(REPO, "deleted")
    moved = em.transfer(REPO, 1, "acme/platform")
    em.delete_issue(REPO, 2)
    response = requests.get(
        em.url + f"/repos/{REPO}/issues/1",
        headers={"Authorization": f"token {TOKEN}"},
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/issues/{moved['number']}")
    followed = gh.get_repo(REPO).get_issue(1)  # PyGithub follows the redirect
    assert followed.title == "moving" and followed.repository.full_name == "acme/platform"
    assert raw(em, f"/repos/{REPO}/issues/2").status_code == 410


def test_lists_lag_writes_by_the_configured_delay(github_emulator, gh):
    em = github_emulator
    now = [1000.0]
    em.clock = lambda: now[0]
    em.read_lag = 5
    gh.get_repo(REPO).create_issue("fresh")
    assert raw(em, f"/repos/{REPO}/issues").json() == []  # not listed yet
    assert raw(em, f"/repos/{REPO}/issues/1").status_code == 200  # but readable by number
    now[0] += 5
    assert [i["title"] for i in raw(em, f"/repos/{REPO}/issues").json()] == ["fresh"]
    em.person_edit(REPO, 1, title="renamed")
    assert [i["title"] for i in raw(em, f"/repos/{REPO}/issues").json()] == ["fresh"]
    now[0] += 5
    assert [i["title"] for i in raw(em, f"/repos/{REPO}/issues").json()] == ["renamed"]


def test_a_label_name_over_50_characters_is_422(github_emulator, gh):
    repo = gh.get_repo(REPO)
    with pytest.raises(GithubException) as refused:
        repo.create_issue("t", labels=["x" * 51])
    assert refused.value.status == 422
    assert refused.value.data["errors"][0]["resource"] == "Label"
    repo.create_issue("t", labels=["x" * 50])


def test_a_file_can_be_kept_on_a_branch(github_emulator):
    em = github_emulator
    auth = {"Authorization": f"token {TOKEN}"}
    head = raw(em, f"/repos/{REPO}/git/ref/heads/main").json()["object"]["sha"]
    made = requests.post(
        em.url + f"/repos/{REPO}/git/refs",
        json={"ref": "refs/heads/state", "sha": head},
        headers=auth,
        timeout=5,
    )
    assert made.status_code == 201
    body = {"message": "m", "content": "e30K", "branch": "state"}  # "{}\n"
    put = requests.put(
        em.url + f"/repos/{REPO}/contents/a.json", json=body, headers=auth, timeout=5
    )
    assert put.status_code == 201
    sha = put.json()["content"]["sha"]
    stale = requests.put(
        em.url + f"/repos/{REPO}/contents/a.json",
        json={**body, "sha": "0" * 40},
        headers=auth,
        timeout=5,
    )
    assert stale.status_code == 409  # a stale sha never overwrites
    got = raw(em, f"/repos/{REPO}/contents/a.json", ref="state").json()
    assert got["sha"] == sha and got["content"] == "e30K"
    assert raw(em, f"/repos/{REPO}/contents/a.json", ref="main").status_code == 404
