"""The command line: help, local sources, and clear errors with exit codes for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import row_counts
from typer.testing import CliRunner

from gazette.cli import app
from gazette.db import Database

runner = CliRunner()

GOOD_FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Local Test Feed</title><link>https://local.example/</link>
<description>test</description>
<item><title>Harbour crane collapses in storm</title><link>crane.html</link>
<pubDate>Mon, 16 Nov 2026 09:00:00 +0000</pubDate></item>
</channel></rss>
"""
PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour crane collapses in storm</title>
<meta property="article:published_time" content="2026-11-16T09:00:00Z"></head><body><article>
<h1>Harbour crane collapses in storm</h1>
<p>A container crane at the Port Calder harbour collapsed during a storm on Monday night, the
harbour authority said, and nobody was injured in the accident.</p>
<p>The 60-metre crane fell onto an empty quay shortly after midnight as winds reached 110
kilometres an hour, according to the authority's statement on Tuesday.</p>
<p>Engineers will inspect the five other cranes at the terminal before work resumes there.</p>
</article></body></html>
"""


@pytest.fixture
def site(workdir: Path) -> Path:
    """`workdir` set up with `gazette init`: a gazette.toml and an empty database."""
    assert invoke("init").exit_code == 0
    return workdir


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_every_command_has_help() -> None:
    for command in (
        [],
        ["init"],
        ["sources"],
        ["sources", "add"],
        ["sources", "list"],
        ["sources", "remove"],
        ["run"],
        ["serve"],
        ["demo"],
        ["extract"],
        ["cluster"],
        ["summarize"],
        ["checks"],
    ):
        result = invoke(*command, "--help")
        assert result.exit_code == 0, command
        assert "Usage" in result.output
        assert len(result.output.strip().splitlines()) > 3


def test_init_creates_the_database_and_a_config(workdir: Path) -> None:
    result = invoke("init")
    assert result.exit_code == 0, result.output
    assert (workdir / "gazette.toml").is_file() and (workdir / "gazette.db").is_file()
    assert Database("sqlite:///gazette.db").is_current()
    again = invoke("init")  # idempotent
    assert again.exit_code == 0


def test_adding_a_missing_file_is_a_clear_error(site: Path) -> None:
    result = invoke("sources", "add", "no/such/feed.xml")
    assert result.exit_code == 2
    assert "no such file" in result.stderr and "feed.xml" in result.stderr


def test_a_broken_address_given_or_imported_is_a_clear_error(site: Path) -> None:
    result = invoke("sources", "add", "http://[::1", "--kind", "feed")
    assert result.exit_code == 2 and "not a valid URL: 'http://[::1'" in result.stderr
    (site / "list.opml").write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="bad" type="rss" xmlUrl="http://[::1"/></body></opml>'
    )
    result = invoke("sources", "import", "list.opml")
    assert result.exit_code == 2 and "OPML entry 'http://[::1': not a valid URL" in result.stderr


def test_a_source_name_longer_than_its_column_is_refused(site: Path) -> None:
    """PostgreSQL would refuse it with a traceback; SQLite would keep it."""
    (site / "feed.xml").write_text(GOOD_FEED)
    result = invoke("sources", "add", "feed.xml", "--name", "N" * 301)
    assert result.exit_code == 2 and "the name is longer than 300 characters" in result.stderr
    assert invoke("sources", "add", "feed.xml").exit_code == 0
    result = invoke("sources", "update", "1", "--name", "N" * 301)
    assert result.exit_code == 2 and "the name is longer than 300 characters" in result.stderr


def test_adding_a_source_twice_and_removing_an_unknown_one(site: Path) -> None:
    (site / "feed.xml").write_text(GOOD_FEED)
    assert invoke("sources", "add", "feed.xml").exit_code == 0
    twice = invoke("sources", "add", "feed.xml")
    assert twice.exit_code == 2 and "already added" in twice.stderr
    unknown = invoke("sources", "remove", "99")
    assert unknown.exit_code == 2 and "no source with id or URL '99'" in unknown.stderr
    assert invoke("sources", "add", "ftp://example.com/feed").exit_code == 2


def test_an_error_naming_brackets_prints_them_as_given(site: Path) -> None:
    """Error messages quote what the user typed: square brackets in it are text, not the
    terminal's colour markup (which would drop "[n]" and fail on "[/a]")."""
    result = invoke("sources", "add", "ftp://example.com/[/a]/[n]")
    assert result.exit_code == 2, result.output
    assert "error:" in result.stderr and "ftp://example.com/[/a]/[n]" in result.stderr


def test_what_is_printed_keeps_its_square_brackets() -> None:
    """Titles, URLs and errors go through the two consoles (and their tables) as text."""
    from gazette.cli.base import err, out

    for console in (out, err):
        with console.capture() as captured:
            console.print("https://x.example/[/a] and [n] markers")
        assert captured.get().strip() == "https://x.example/[/a] and [n] markers"


def test_help_shows_square_brackets() -> None:
    assert "body with [n] markers" in " ".join(invoke("summarize", "--help").output.split())


def test_a_malformed_feed_is_reported_on_its_source_and_the_rest_is_kept(site: Path) -> None:
    (site / "good").mkdir()
    (site / "good" / "feed.xml").write_text(GOOD_FEED)
    (site / "good" / "crane.html").write_text(PAGE)
    (site / "broken.xml").write_text("<rss><channel><title>Broken</title><item><title>x</ite")
    (site / "page.xml").write_text("<!DOCTYPE html><html><body>not a feed</body></html>")
    checked = invoke("sources", "add", "broken.xml")  # looked at when added: refused at once
    assert checked.exit_code == 1 and "malformed feed" in checked.stderr
    for path in ("good/feed.xml", "broken.xml", "page.xml"):  # as if they broke later
        assert invoke("sources", "add", path, "--kind", "feed").exit_code == 0

    result = invoke("run")
    assert result.exit_code == 1
    assert "broken.xml" in result.stderr and "page.xml" in result.stderr
    assert "this is an HTML page, not a feed" in result.stderr

    listing = invoke("sources", "list", "--json")
    status = {Path(s["url"]).name: s for s in json.loads(listing.stdout)}
    assert status["broken.xml"]["consecutive_failures"] == 1
    assert (
        "malformed" in status["broken.xml"]["last_error"]
        or "not an RSS" in status["broken.xml"]["last_error"]
    )
    assert status["feed.xml"]["last_error"] is None and status["feed.xml"]["items_seen"] == 1

    with Database("sqlite:///gazette.db").session() as session:
        counts = row_counts(session)
    assert counts["documents"] == 1 and counts["stories"] == 1 and counts["articles"] == 1


def test_a_bad_config_value_names_the_field(workdir: Path) -> None:
    (workdir / "gazette.toml").write_text('[cluster]\nwindow_hours = "three days"\n')
    result = invoke("sources", "list")
    assert result.exit_code == 2
    assert "cluster.window_hours" in result.stderr and "three days" in result.stderr


def test_an_unknown_config_key_and_broken_toml_are_errors(workdir: Path) -> None:
    (workdir / "gazette.toml").write_text("[site]\ntitel = 'typo'\n")
    result = invoke("sources", "list")
    assert result.exit_code == 2 and "site.titel" in result.stderr
    (workdir / "gazette.toml").write_text("[site\n")
    result = invoke("sources", "list")
    assert result.exit_code == 2 and "not valid TOML" in result.stderr


def test_a_missing_config_file_is_an_error(workdir: Path) -> None:
    result = invoke("--config", "missing.toml", "sources", "list")
    assert result.exit_code == 2 and "config file not found: missing.toml" in result.stderr


def test_a_bad_environment_value_is_an_error(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAZETTE_SITE__MODE", "staging")
    result = invoke("sources", "list")
    assert result.exit_code == 2 and "site.mode" in result.stderr


def test_extract_reports_each_bad_input_and_keeps_going(workdir: Path) -> None:
    (workdir / "crane.html").write_text(PAGE)
    (workdir / "empty.html").write_text("<html><body></body></html>")
    result = invoke("extract", "crane.html", "missing.html", "empty.html")
    assert result.exit_code == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["path"] for line in lines] == ["crane.html"]
    assert set(lines[0]) == {
        "path",
        "url",
        "title",
        "text",
        "authors",
        "published",
        "language",
        "image",
        "kind",
    }
    assert lines[0]["title"] == "Harbour crane collapses in storm"
    assert lines[0]["kind"] == "news"
    assert "no such file: missing.html" in result.stderr
    assert "no article text" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": 1, "title": "a"}\n{"id": 2\n', "input.jsonl:2: not valid JSON"),
        ('{"title": "no id"}\n', "input.jsonl:1: id: Field required"),
        ('{"id": 1, "title": "x", "published": "yesterday"}\n', "input.jsonl:1: published"),
        ('{"id": 1, "title": "a"}\n{"id": 1, "title": "b"}\n', "duplicate id '1'"),
        ('{"id": 1, "title": " ", "text": ""}\n', "input.jsonl:1: title and text are both empty"),
        ('{"id": 1, "title": "x", "published": 1e20}\n', "input.jsonl:1: published: not a date"),
        ('{"id": 1, "title": "x", "published": Infinity}\n', "1: published: not a date"),
        ('{"id": 1, "title": "x", "published": "99999999999999999999"}\n', "1: published"),
    ],
)
def test_cluster_rejects_bad_input_lines(workdir: Path, content: str, message: str) -> None:
    (workdir / "input.jsonl").write_text(content)
    result = invoke("cluster", "--input", "input.jsonl", "--output", "out.jsonl")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (workdir / "out.jsonl").exists()


def test_a_batch_input_that_is_not_utf8_names_its_line(workdir: Path) -> None:
    (workdir / "input.jsonl").write_bytes(
        b'{"id": 1, "title": "a"}\n{"id": 2, "title": "caf\xe9"}\n'
    )
    result = invoke("cluster", "--input", "input.jsonl", "--output", "out.jsonl")
    assert result.exit_code == 2 and "input.jsonl:2: not UTF-8 text" in result.stderr


@pytest.mark.parametrize("command", ["cluster", "summarize"])
def test_an_output_that_cannot_be_written_is_a_clear_error(workdir: Path, command: str) -> None:
    line = '{"id": 1, "title": "a"}' if command == "cluster" else '{"id": 1, "sources": [{}]}'
    (workdir / "input.jsonl").write_text(line + "\n")
    (workdir / "folder").mkdir()
    result = invoke(command, "--input", "input.jsonl", "--output", "folder")
    assert result.exit_code == 2 and "cannot write folder" in result.stderr
    result = invoke("extract", "input.jsonl", "--output", "folder")
    assert result.exit_code == 2 and "cannot write folder" in result.stderr


def test_summarize_rejects_a_story_without_sources(workdir: Path) -> None:
    (workdir / "in.jsonl").write_text('{"id": "s1", "sources": []}\n')
    result = invoke("summarize", "--input", "in.jsonl", "--output", "out.jsonl")
    assert result.exit_code == 2 and "in.jsonl:1: sources" in result.stderr


def test_batch_input_file_must_exist(workdir: Path) -> None:
    result = invoke("summarize", "--input", "nope.jsonl", "--output", "out.jsonl")
    assert result.exit_code == 2 and "input file not found: nope.jsonl" in result.stderr


def test_demo_replaces_only_its_own_database(workdir: Path) -> None:
    """A tiny corpus in the demo's layout: the command must not touch other files it finds."""
    corpus = workdir / "corpus"
    (corpus / "site" / "local.example").mkdir(parents=True)
    (corpus / "gazette.toml").write_text('[fetch]\nmirror_dir = "site"\n')
    (corpus / "sources.txt").write_text("https://local.example/feed.xml\n")
    (corpus / "site" / "local.example" / "feed.xml").write_text(GOOD_FEED)
    (corpus / "site" / "local.example" / "crane.html").write_text(PAGE)
    target = workdir / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / "gazette.db").write_text("stale, replaced by the demo")
    result = invoke("demo", "--no-serve", "--workdir", "out", "--corpus", "corpus")
    assert result.exit_code == 0, result.output
    assert (target / "notes.txt").read_text() == "mine"
    with Database(f"sqlite:///{target / 'gazette.db'}").session() as session:
        assert row_counts(session)["articles"] == 1
