"""Tests for koers.history against real git repositories (no mocks)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from koers import history
from koers.history import Commit, FileChange, GitError, History, Repository, find_repository, read_history
from tests.gitrepo import GitRepo, isolate_git_env

CET = timezone(timedelta(hours=2))


@pytest.fixture(autouse=True)
def _hermetic_git(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    isolate_git_env(monkeypatch, tmp_path_factory.mktemp("home"))


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "agenda")


def git_calls() -> int:
    return history.GIT_CALLS.total()


def shas(commits: list[Commit] | tuple[Commit, ...]) -> list[str]:
    return [c.sha for c in commits]


def on(day: int, hour: int = 10, minute: int = 0) -> str:
    """A date in June 2017, CEST, for ordering commits."""
    return f"2017-06-{day:02d}T{hour:02d}:{minute:02d}:00+02:00"


def test_commits_are_the_first_parent_line_newest_first(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")
    c1 = repo.commit("One", date=on(1))
    repo.write("goals/a.md", "a2\n")
    c2 = repo.commit("Two", date=on(2))
    repo.write("goals/b.md", "b\n")
    c3 = repo.commit("Three", date=on(3))

    h = read_history(repo.path)

    assert h.available is True
    assert h.shallow is False
    assert h.toplevel == repo.path.resolve()
    assert shas(h.commits) == [c3, c2, c1]
    assert [c.subject for c in h.commits] == ["Three", "Two", "One"]
    assert [c.parents for c in h.commits] == [(c2,), (c1,), ()]
    assert [c.short for c in h.commits] == [c3[:7], c2[:7], c1[:7]]
    assert all(c.folded == () for c in h.commits)


def test_only_history_of_head_is_read(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")
    c1 = repo.commit("Base", date=on(1))
    repo.branch("elsewhere")
    repo.checkout("elsewhere")
    repo.write("goals/a.md", "other\n")
    repo.commit("Not merged", date=on(2))
    repo.checkout("main")
    repo.tag("v1")

    assert shas(read_history(repo.path).commits) == [c1]


def test_author_and_date_keep_their_timezone(repo: GitRepo) -> None:
    repo.write("a.md", "a\n")
    repo.commit("West", author=("Jan Jansen", "jan@example.nl"), date="2017-06-26T10:00:00-05:00")
    repo.write("a.md", "b\n")
    repo.commit("East", author=("Mei Tanaka", "mei@example.jp"), date="2018-01-02T08:30:00+09:00")

    east, west = read_history(repo.path).commits

    assert (east.author_name, east.author_email) == ("Mei Tanaka", "mei@example.jp")
    assert east.date == datetime(2018, 1, 2, 8, 30, tzinfo=timezone(timedelta(hours=9)))
    assert east.date.utcoffset() == timedelta(hours=9)
    assert east.date.isoformat() == "2018-01-02T08:30:00+09:00"
    assert (west.author_name, west.author_email) == ("Jan Jansen", "jan@example.nl")
    assert west.date.utcoffset() == timedelta(hours=-5)
    assert west.date.isoformat() == "2017-06-26T10:00:00-05:00"


def test_subject_and_body_are_split(repo: GitRepo) -> None:
    repo.write("a.md", "1\n")
    repo.commit("Subject only", date=on(1))
    repo.write("a.md", "2\n")
    repo.commit("Title\n\nFirst paragraph\nstill first.\n\nSecond paragraph.\n\n\n", date=on(2))
    repo.write("a.md", "3\n")
    repo.commit("Two line\nsubject\n\nThe body.", date=on(3))

    two_line, paragraphs, only = read_history(repo.path).commits

    assert (only.subject, only.body) == ("Subject only", "")
    assert (paragraphs.subject, paragraphs.body) == (
        "Title",
        "First paragraph\nstill first.\n\nSecond paragraph.",
    )
    # git's subject is the first paragraph with its lines joined
    assert (two_line.subject, two_line.body) == ("Two line subject", "The body.")


def test_rename_is_followed_backwards(repo: GitRepo) -> None:
    text = "".join(f"Regel {i} van het doel.\n" for i in range(20))
    repo.write("goals/a.md", text)
    c1 = repo.commit("Add a", date=on(1))
    repo.write("goals/a.md", text + "Extra.\n")
    c2 = repo.commit("Edit a", date=on(2))
    repo.mv("goals/a.md", "goals/b.md")
    repo.write("goals/b.md", text + "Extra, anders.\n")  # rename plus a small edit
    c3 = repo.commit("Rename a to b", date=on(3))
    repo.write("goals/b.md", "Nieuw.\n")
    c4 = repo.commit("Rewrite b", date=on(4))
    repo.write("goals/a.md", "A fresh a.\n")
    c5 = repo.commit("New a", date=on(5))

    h = read_history(repo.path)

    a1, a2 = repo.blob(c1, "goals/a.md"), repo.blob(c2, "goals/a.md")
    b3, b4 = repo.blob(c3, "goals/b.md"), repo.blob(c4, "goals/b.md")
    assert shas(h.commits) == [c5, c4, c3, c2, c1]
    assert h.for_path("goals/b.md") == [
        (h.commits[1], FileChange("M", "goals/b.md", "goals/b.md", b3, b4)),
        (h.commits[2], FileChange("R", "goals/b.md", "goals/a.md", a2, b3)),
        (h.commits[3], FileChange("M", "goals/a.md", "goals/a.md", a1, a2)),
        (h.commits[4], FileChange("A", "goals/a.md", None, None, a1)),
    ]
    # The new a.md only: the earlier a.md lives on as b.md, whose history it is.
    assert [(c.sha, ch.status) for c, ch in h.for_path("goals/a.md")] == [(c5, "A")]
    assert h.last_changed("goals/b.md") == datetime(2017, 6, 4, 10, tzinfo=CET)
    assert h.last_changed("goals/none.md") is None
    assert h.for_path("goals/none.md") == []


def test_deleted_and_added_again_lists_both_lives(repo: GitRepo) -> None:
    repo.write("goals/x.md", "v1\n")
    c1 = repo.commit("Add x", date=on(1))
    repo.remove("goals/x.md")
    c2 = repo.commit("Remove x", date=on(2))
    repo.write("goals/y.md", "y\n")
    c3 = repo.commit("Add y", date=on(3))
    repo.write("goals/x.md", "v2\n")
    c4 = repo.commit("Add x again", date=on(4))

    h = read_history(repo.path)

    v1, v2 = repo.blob(c1, "goals/x.md"), repo.blob(c4, "goals/x.md")
    assert [(c.sha, ch) for c, ch in h.for_path("goals/x.md")] == [
        (c4, FileChange("A", "goals/x.md", None, None, v2)),
        (c2, FileChange("D", "goals/x.md", "goals/x.md", v1, None)),
        (c1, FileChange("A", "goals/x.md", None, None, v1)),
    ]
    assert shas(h.commits) == [c4, c3, c2, c1]


def test_merge_is_listed_once_with_its_side_commits_folded(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")
    repo.write("other/readme.md", "r\n")
    c1 = repo.commit("Base", date=on(1))
    repo.branch("side")
    repo.checkout("side")
    repo.write("goals/a.md", "a, side\n")
    s1 = repo.commit("Side edits a", date=on(2, 11))
    repo.write("goals/b.md", "b\n")
    s2 = repo.commit("Side adds b", date=on(2, 12))
    repo.checkout("main")
    repo.write("other/readme.md", "r, main\n")
    m1 = repo.commit("Main edits readme", date=on(2, 11, 30))
    merge = repo.merge("side", "Merge branch 'side'", date=on(2, 13))

    h = read_history(repo.path)

    assert shas(h.commits) == [merge, m1, c1]
    top = h.commits[0]
    assert top.parents == (m1, s2)
    assert top.subject == "Merge branch 'side'"
    assert shas(top.folded) == [s2, s1]
    assert [c.subject for c in top.folded] == ["Side adds b", "Side edits a"]
    edit_a = FileChange(
        "M", "goals/a.md", "goals/a.md", repo.blob(c1, "goals/a.md"), repo.blob(s1, "goals/a.md")
    )
    assert top.folded[1].changes == (edit_a,)
    # Against the first parent: what the side branch brought in, not readme.md.
    assert sorted(top.changes, key=lambda c: c.path) == [
        edit_a,
        FileChange("A", "goals/b.md", None, None, repo.blob(s2, "goals/b.md")),
    ]
    assert h.commits[1].folded == ()
    assert [c.sha for c, _ in h.for_path("goals/a.md")] == [merge, c1]
    assert [c.sha for c, _ in h.for_path("other/readme.md")] == [m1, c1]


def test_merging_a_branch_again_folds_only_the_new_commits(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")
    repo.commit("Base", date=on(1))
    repo.branch("side")
    repo.checkout("side")
    repo.write("goals/a.md", "a1\n")
    s1 = repo.commit("Side 1", date=on(2))
    repo.branch("topic")
    repo.checkout("topic")
    repo.write("goals/t.md", "t\n")
    t1 = repo.commit("Topic 1", date=on(3))
    repo.checkout("side")
    side_merge = repo.merge("topic", "Merge topic into side", date=on(4))
    repo.checkout("main")
    first = repo.merge("side", "First merge of side", date=on(5))
    repo.checkout("side")
    repo.write("goals/a.md", "a2\n")
    s2 = repo.commit("Side 2", date=on(6))
    repo.checkout("main")
    second = repo.merge("side", "Second merge of side", date=on(7))

    h = read_history(repo.path)

    assert [c.subject for c in h.commits] == ["Second merge of side", "First merge of side", "Base"]
    assert shas(h.commits[0].folded) == [s2]
    assert shas(h.commits[1].folded) == [side_merge, t1, s1]
    assert h.commits[1].sha == first and h.commits[0].sha == second
    # A merge inside `folded` is an ordinary entry; only first-parent merges fold.
    assert h.commits[1].folded[0].folded == ()


def test_commits_outside_paths_are_not_listed(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")
    repo.write("content/x.md", "x\n")
    repo.write("other/readme.md", "r\n")
    c1 = repo.commit("Everything", date=on(1))
    repo.write("other/readme.md", "r2\n")
    repo.commit("Only other", date=on(2))
    repo.write("goals/a.md", "a2\n")
    c3 = repo.commit("Goals", date=on(3))
    repo.write("content/x.md", "x2\n")
    c4 = repo.commit("Content", date=on(4))

    h = read_history(repo.path, paths=["goals", "content"])

    assert shas(h.commits) == [c4, c3, c1]
    assert [ch.path for ch in h.commits[2].changes] == ["content/x.md", "goals/a.md"]
    assert len(read_history(repo.path).commits) == 4


def test_paths_keep_the_first_parent_line_and_filter_folded(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")
    repo.write("goals/b.md", "b\n")
    c1 = repo.commit("Base", date=on(1))
    repo.branch("side")
    repo.checkout("side")
    repo.write("goals/a.md", "a, side\n")
    s1 = repo.commit("Side edits a", date=on(2))
    repo.write("other/notes.md", "n\n")
    repo.commit("Side, other only", date=on(3))
    repo.checkout("main")
    repo.write("goals/b.md", "b, main\n")
    m1 = repo.commit("Main edits b", date=on(4))
    merge = repo.merge("side", "Merge side", date=on(5))
    repo.branch("docs")
    repo.checkout("docs")
    repo.write("other/more.md", "m\n")
    repo.commit("Docs only", date=on(6))
    repo.checkout("main")
    repo.merge("docs", "Merge docs", date=on(7))

    h = read_history(repo.path, paths=["goals"])

    # Plain `git log -- goals` would simplify "Main edits b" away at the merge.
    assert shas(h.commits) == [merge, m1, c1]
    assert shas(h.commits[0].folded) == [s1]
    assert [ch.path for ch in h.commits[0].changes] == ["goals/a.md"]


def test_uncommitted_lists_staged_unstaged_and_untracked(repo: GitRepo) -> None:
    repo.write(".gitignore", "site/\n")
    repo.write("goals/a.md", "a\n")
    repo.write("goals/b.md", "b\n")
    repo.write("content/c.md", "c\n")
    repo.commit("Base")
    assert read_history(repo.path).uncommitted == set()

    repo.write("goals/a.md", "a, edited\n")  # unstaged edit
    repo.write("goals/d.md", "d\n")
    repo.git("add", "goals/d.md")  # staged new file
    (repo.path / "goals/b.md").unlink()  # unstaged deletion
    repo.write("drafts/new/e.md", "e\n")  # untracked, in an untracked directory
    repo.write("site/index.html", "<html>")  # ignored

    h = read_history(repo.path)

    assert h.uncommitted == {"goals/a.md", "goals/b.md", "goals/d.md", "drafts/new/e.md"}
    assert read_history(repo.path, paths=["goals"]).uncommitted == {
        "goals/a.md",
        "goals/b.md",
        "goals/d.md",
    }


def test_outside_git_is_unavailable_without_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    unpacked = tmp_path / "agenda-main"
    (unpacked / "goals").mkdir(parents=True)
    (unpacked / "goals" / "a.md").write_text("a\n", encoding="utf-8")

    before = git_calls()
    h = read_history(unpacked, paths=["goals"])

    assert git_calls() - before == 1
    assert h == History(
        available=False, shallow=False, commits=[], uncommitted=set(), toplevel=None
    )
    assert h.for_path("goals/a.md") == []
    assert h.for_prefix("goals/") == []
    assert h.last_changed("goals/a.md") is None
    assert h.read_blobs(["a" * 40]) == {}


def test_without_git_installed_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, repo: GitRepo
) -> None:
    repo.write("a.md", "a\n")
    repo.commit("Base")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))

    assert read_history(repo.path) == History()


def test_missing_root_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_history(tmp_path / "nope")


def test_git_failure_inside_a_repository_raises_git_error(repo: GitRepo) -> None:
    repo.write("a.md", "a\n")
    repo.commit("Base")

    with pytest.raises(GitError, match="pathspec magic") as caught:
        read_history(repo.path, paths=[":(nonsense)goals"])
    assert caught.value.returncode != 0
    assert "nonsense" in caught.value.stderr


def test_paths_must_not_be_a_single_string(repo: GitRepo) -> None:
    with pytest.raises(TypeError):
        read_history(repo.path, paths="goals")


def test_shallow_clone_is_flagged(tmp_path: Path, repo: GitRepo) -> None:
    for day in (1, 2, 3):
        repo.write("goals/a.md", f"{day}\n")
        head = repo.commit(f"Day {day}", date=on(day))
    clone = GitRepo.clone(repo, tmp_path / "clone", depth=1)

    h = read_history(clone.path)

    assert h.shallow is True
    assert shas(h.commits) == [head]
    assert h.commits[0].parents == ()
    assert read_history(repo.path).shallow is False


def test_the_repository_is_found_from_a_subfolder_with_one_process(
    tmp_path: Path, repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("examples/x/goals/a.md", "a\n")
    repo.commit("Base")
    clone = GitRepo.clone(repo, tmp_path / "clone", depth=1)

    before = git_calls()
    found = find_repository(clone.path / "examples" / "x")
    assert git_calls() - before == 1
    assert found == Repository(clone.path.resolve(), shallow=True)
    assert find_repository(repo.path) == Repository(repo.path.resolve(), shallow=False)
    # Given what find_repository found, read_history starts two processes, not three.
    before = git_calls()
    assert read_history(clone.path / "examples" / "x", repository=found).shallow is True
    assert git_calls() - before == 2

    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "unpacked").mkdir()
    assert find_repository(tmp_path / "unpacked") is None


def test_empty_repository_is_available_without_commits(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")

    before = git_calls()
    h = read_history(repo.path)

    assert git_calls() - before == 3
    assert (h.available, h.commits, h.uncommitted) == (True, [], {"goals/a.md"})
    assert h.for_path("goals/a.md") == []


def test_subdirectory_root_gives_top_level_paths(repo: GitRepo) -> None:
    repo.write("content/goals/a.md", "a\n")
    c1 = repo.commit("Add a")
    repo.write("content/goals/a.md", "a2\n")

    h = read_history(repo.path / "content" / "goals")

    assert h.toplevel == repo.path.resolve()
    assert [c.sha for c, _ in h.for_path("content/goals/a.md")] == [c1]
    assert h.uncommitted == {"content/goals/a.md"}


def test_html_markdown_and_newlines_come_back_verbatim(repo: GitRepo) -> None:
    name = "Zoë \"Z\" O'Brien & *Co* [x](y) `z` </div>"
    message = (
        "Fix <script>alert('x')</script> & *bold* _it_ `code`\n"
        "\n"
        "# Kop\n"
        "\n"
        "<b>vet</b> & &amp; [link](https://example.org/?a=1&b=2)\n"
        "  - ingesprongen item\n"
        "\tmet tab\n"
    )
    repo.write("a.md", "a\n")
    repo.commit(message, author=(name, "zoe+agenda@example.org"))
    repo.write("a.md", "b\n")
    # git itself drops "<", ">" and newlines from identities when committing
    repo.commit("Second", author=("Jan <script>\nde Boer", "jan@example.org"), date=on(27))

    second, first = read_history(repo.path).commits

    assert first.author_name == "Zoë \"Z\" O'Brien & *Co* [x](y) `z` /div"
    assert first.author_email == "zoe+agenda@example.org"
    assert first.subject == "Fix <script>alert('x')</script> & *bold* _it_ `code`"
    assert first.body == (
        "# Kop\n\n<b>vet</b> & &amp; [link](https://example.org/?a=1&b=2)\n"
        "  - ingesprongen item\n\tmet tab"
    )
    assert second.author_name == "Jan scriptde Boer"
    assert second.author_name == repo.git("log", "-1", "--format=%an").rstrip("\n")


def test_non_ascii_names_paths_and_messages(repo: GitRepo) -> None:
    repo.write("goals/café.md", "Koffie ☕\n")
    repo.write("doelen/中文 met spatie.md", "x\n")
    c1 = repo.commit("Doel ‘café’ toegevoegd — 中文", author=("Łukasz Żółć", "łukasz@example.pl"))
    repo.write("goals/café.md", "Thee\n")

    h = read_history(repo.path)

    (commit,) = h.commits
    assert commit.author_name == "Łukasz Żółć"
    assert commit.author_email == "łukasz@example.pl"
    assert commit.subject == "Doel ‘café’ toegevoegd — 中文"
    assert [ch.path for ch in commit.changes] == ["doelen/中文 met spatie.md", "goals/café.md"]
    assert [c.sha for c, _ in h.for_path("goals/café.md")] == [c1]
    assert h.uncommitted == {"goals/café.md"}
    blob = repo.blob(c1, "goals/café.md")
    assert h.read_blobs([blob]) == {blob: "Koffie ☕\n".encode()}


def test_read_blobs_returns_exact_bytes_with_one_process(repo: GitRepo) -> None:
    contents = {
        f"data/f{i:02d}.bin": bytes(range(256)) * (i % 3) + f"#{i}\r\n\0".encode()
        for i in range(40)
    }
    contents["data/empty.md"] = b""
    contents["data/no-newline.md"] = b"last line"
    for path, data in contents.items():
        repo.write(path, data)
    c1 = repo.commit("Add data", date=on(1))
    for path, data in contents.items():
        repo.write(path, data + b"\nmore")
    c2 = repo.commit("Change data", date=on(2))
    h = read_history(repo.path)
    changes = [ch for c in h.commits for ch in c.changes]
    wanted = {ch.new_blob for ch in changes} | {ch.old_blob for ch in changes if ch.old_blob}
    expected = {repo.blob(c1, p): d for p, d in contents.items()} | {
        repo.blob(c2, p): d + b"\nmore" for p, d in contents.items()
    }
    assert wanted == set(expected) and len(expected) == 84
    unknown = "1234567890" * 4

    before = history.GIT_CALLS.copy()
    blobs = h.read_blobs([*sorted(expected), unknown])

    assert history.GIT_CALLS - before == {"cat-file": 1}
    assert blobs == expected
    assert h.read_blobs(sorted(expected)[:5]) == {s: expected[s] for s in sorted(expected)[:5]}
    assert history.GIT_CALLS - before == {"cat-file": 1}  # served from the cache
    assert h.read_blobs([]) == {}
    with pytest.raises(ValueError):
        h.read_blobs(["HEAD:data/empty.md"])


def test_number_of_git_processes_does_not_depend_on_size(tmp_path: Path) -> None:
    small = GitRepo(tmp_path / "small")
    for i in range(3):
        small.write(f"goals/g{i}.md", f"{i}\n")
        small.commit(f"Goal {i}", date=on(1 + i))

    big = GitRepo(tmp_path / "big")
    for i in range(60):
        big.write(f"goals/g{i % 30:02d}.md", f"version {i}\n")
        big.commit(f"Commit {i}", date=f"2017-06-{1 + i // 24:02d}T{i % 24:02d}:00:00+02:00")
    big.write("goals/g00.md", "uncommitted\n")

    def count(repo: GitRepo, **kwargs: list[str]) -> tuple[int, History]:
        before = git_calls()
        h = read_history(repo.path, **kwargs)
        for page in (f"goals/g{i:02d}.md" for i in range(30)):
            h.for_path(page)
            h.last_changed(page)
        h.for_prefix("goals/")
        return git_calls() - before, h

    small_calls, small_history = count(small)
    big_calls, big_history = count(big, paths=["goals"])

    assert len(small_history.commits) == 3
    assert len(big_history.commits) == 60
    assert len(big_history.for_path("goals/g00.md")) == 2
    assert small_calls == big_calls == 3


def test_for_prefix_lists_commits_with_their_changes_under_it(repo: GitRepo) -> None:
    repo.write("goals/a.md", "a\n")
    repo.write("goals-old/z.md", "z\n")
    c1 = repo.commit("Base", date=on(1))
    repo.write("content/x.md", "x\n")
    repo.commit("Content", date=on(2))
    repo.mv("goals/a.md", "archive/a.md")
    c3 = repo.commit("Archive a", date=on(3))

    h = read_history(repo.path)

    for prefix in ("goals/", "goals"):
        found = h.for_prefix(prefix)
        assert [(c.sha, [ch.status for ch in chs]) for c, chs in found] == [(c3, ["R"]), (c1, ["A"])]
    assert [c.sha for c, _ in h.for_prefix("goals/a.md")] == [c3, c1]
    assert len(h.for_prefix("")) == 3
    assert h.for_prefix("goal") == []


def test_user_configuration_does_not_change_the_result(repo: GitRepo) -> None:
    text = "".join(f"Regel {i}\n" for i in range(20))
    repo.write("goals/a.md", text)
    repo.write("goals/café.md", "c\n")
    repo.commit("Base", date=on(1))
    repo.branch("side")
    repo.checkout("side")
    repo.write("goals/side.md", "s\n")
    repo.commit("Side", date=on(2))
    repo.checkout("main")
    repo.mv("goals/a.md", "goals/b.md")
    repo.commit("Rename", date=on(3))
    repo.merge("side", "Merge side", date=on(4))
    repo.write("goals/untracked.md", "u\n")
    clean = read_history(repo.path, paths=["goals"])
    clean_file = read_history(repo.path, paths=["goals/b.md"])  # log.follow acts on one file

    hostile = {
        "log.follow": "true",
        "diff.renames": "false",
        "color.ui": "always",
        "color.diff": "always",
        "core.quotepath": "true",
        "core.abbrev": "12",
        "log.abbrevCommit": "true",
        "format.pretty": "oneline",
        "i18n.logOutputEncoding": "ISO-8859-1",
        "log.showRoot": "false",
        "log.diffMerges": "combined",
        "diff.relative": "true",
        "diff.noprefix": "true",
        "diff.external": "false",
        "status.showUntrackedFiles": "no",
        "status.relativePaths": "true",
        "status.renames": "true",
    }
    for key, value in hostile.items():
        repo.git("config", key, value)

    assert read_history(repo.path, paths=["goals"]) == clean
    assert read_history(repo.path / "goals", paths=["goals"]) == clean
    assert read_history(repo.path / "goals", local_paths=["."]) == clean
    assert read_history(repo.path, local_paths=["goals"]) == clean
    assert read_history(repo.path, paths=["goals/b.md"]) == clean_file
    assert [c.subject for c in clean_file.commits] == ["Rename"]
    assert [c.subject for c in clean.commits] == ["Merge side", "Rename", "Base"]
    assert clean.commits[1].changes[0].status == "R"
    assert clean.uncommitted == {"goals/untracked.md"}


def test_impossible_timezone_offset_falls_back_to_utc(repo: GitRepo) -> None:
    repo.write("a.md", "a\n")
    repo.git("add", "a.md")
    tree = repo.git("write-tree").strip()
    raw = f"tree {tree}\nauthor Oud <oud@example.org> 1500000000 +9900\n"
    raw += "committer Oud <oud@example.org> 1500000000 +9900\n\nImported\n"
    sha = repo.git("hash-object", "-t", "commit", "-w", "--stdin", input=raw).strip()
    repo.git("update-ref", "HEAD", sha)

    (commit,) = read_history(repo.path).commits

    assert commit.date == datetime(2017, 7, 14, 2, 40, tzinfo=timezone.utc)
    assert commit.date.utcoffset() == timedelta(0)


def _history_with_every_kind_of_change(repo: GitRepo) -> None:
    """Adds, edits, an edited rename, a deletion, and a message that looks like a raw entry."""
    for i in range(30):
        repo.write(f"goals/g{i:02d}.md", f"Doel {i}\n" + "Een regel tekst.\n" * 10)
    repo.commit("Add goals", date=on(1))
    repo.write("goals/g01.md", "Doel 1, herschreven\n" + "Een regel tekst.\n" * 10)
    repo.mv("goals/g02.md", "goals/twee.md")
    repo.write("goals/twee.md", "Doel 2\n" + "Een regel tekst.\n" * 9 + "Nieuw.\n")
    repo.remove("goals/g03.md")
    fake = repo.blob("HEAD", "goals/g04.md")
    repo.commit(f"Mention\n\n:100644 100644 {fake} {'0' * 40} M", date=on(2))


@pytest.mark.parametrize("piece", [1, 7, 41, 1 << 20])
def test_blob_stream_reads_every_file_version_the_log_names_however_the_output_is_cut(
    repo: GitRepo, piece: int
) -> None:
    _history_with_every_kind_of_change(repo)
    plain = read_history(repo.path)
    wanted = {s for c in plain.commits for ch in c.changes for s in (ch.old_blob, ch.new_blob) if s}
    parts: list[bytes] = []

    def feed_in_pieces(output: bytes) -> None:
        parts.append(output)
        for start in range(0, len(output), piece):
            stream.feed(output[start:start + piece])

    before = history.GIT_CALLS.copy()
    with history.BlobStream(repo.path) as stream:
        streamed = read_history(repo.path, on_log=feed_in_pieces)
        blobs = stream.read()
    assert history.GIT_CALLS - before == {"rev-parse": 1, "log": 1, "status": 1, "cat-file": 1}

    assert streamed == plain
    # The whole log came through `on_log`: per commit 8 fields, then 2 fields per change, 3 per rename.
    assert b"".join(parts).count(b"\0") == (8 + 30 * 2) + (8 + 2 + 3 + 2)
    assert set(stream.asked) == wanted  # not the sha in the message: it is no raw entry of the log
    assert blobs == plain.read_blobs(wanted)


def test_run_git_gives_the_output_as_it_comes_and_whole(repo: GitRepo) -> None:
    _history_with_every_kind_of_change(repo)
    parts: list[bytes] = []
    out = history.run_git(["log", "--raw", "-p", "-z"], repo.path, on_output=parts.append)
    assert len(out) > 5000 and b"".join(parts) == out


def test_blob_stream_is_ended_by_the_error_that_stops_the_log(repo: GitRepo) -> None:
    _history_with_every_kind_of_change(repo)

    def fail(output: bytes) -> None:
        raise RuntimeError("stop")

    with history.BlobStream(repo.path) as stream, pytest.raises(RuntimeError, match="stop"):
        read_history(repo.path, on_log=fail)
    assert stream._git.process.returncode is not None  # ended, not left running


def test_blob_stream_outside_a_repository_fails_when_read(tmp_path: Path) -> None:
    with history.BlobStream(tmp_path) as stream, pytest.raises(GitError, match="cat-file --batch failed with exit"):
        stream.read()
