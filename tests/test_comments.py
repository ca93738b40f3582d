"""Readers' comments through the HTTP interface, on a real SQLite file (and PostgreSQL where
said): held or shown as the settings say, the spam defences (honeypot, rate limit, links,
lengths, blocked addresses), refusals that never send a comment back whole, the address kept
only as a keyed hash, and comments a page at a time."""

from __future__ import annotations

import hashlib
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from forms import token_in
from readers import post_comment, published_story, reader, site_settings, stored

from gazette import comments
from gazette.db import Database
from gazette.db.models import CommentStatus

ADDRESS = "203.0.113.7"


@pytest.fixture
def story(database: Database) -> str:
    return published_story(database)


def test_a_comment_is_published_at_once_by_default(
    sqlite_url: str, database: Database, story: str
) -> None:
    client = reader(site_settings(sqlite_url), database)
    response = post_comment(client, story, "Good to see the ferries back.")
    assert response.status_code == 303
    assert response.headers["location"] == f"{story}?comment=posted#comments"
    page = client.get(response.headers["location"]).text
    assert "Good to see the ferries back." in page and "Comments (1)" in page
    assert [c.status for c in stored(database)] == [CommentStatus.VISIBLE]


def test_require_approval_holds_every_comment(
    sqlite_url: str, database: Database, story: str
) -> None:
    client = reader(site_settings(sqlite_url, require_approval=True), database)
    response = post_comment(client, story, "Held until approved.")
    assert response.headers["location"] == f"{story}?comment=pending#comments"
    page = client.get(response.headers["location"]).text
    assert "will appear once a moderator approves it" in page
    assert "Held until approved." not in page
    assert [c.status for c in stored(database)] == [CommentStatus.PENDING]


def test_a_first_comment_is_held_until_one_of_its_address_is_approved(
    sqlite_url: str, database: Database, story: str
) -> None:
    settings = site_settings(sqlite_url, hold_first_comments=True)
    regular, newcomer = reader(settings, database), reader(settings, database, "198.51.100.9")
    assert "pending" in post_comment(regular, story, "My first.").headers["location"]
    assert "pending" in post_comment(regular, story, "Still waiting.").headers["location"]
    with database.transaction() as session:
        comments.approve(session, stored(database)[0].id, "ann")
    assert "posted" in post_comment(regular, story, "Now trusted.").headers["location"]
    assert "pending" in post_comment(newcomer, story, "New here.").headers["location"]
    statuses = [c.status for c in stored(database)]
    assert statuses == ["visible", "pending", "visible", "pending"]


def test_a_filled_honeypot_is_refused_and_nothing_stored(
    sqlite_url: str, database: Database, story: str
) -> None:
    client = reader(site_settings(sqlite_url), database)
    page = client.get(story).text
    trap = re.search(r'<div class="trap"[^>]*>.*?</div>', page, re.S)
    assert trap and 'name="website"' in trap.group(0) and 'tabindex="-1"' in trap.group(0)
    response = post_comment(client, story, "Buy cheap watches", website="https://spam.example")
    assert response.status_code == 400
    assert "a hidden field of the form, which only programs fill in, was filled in" in response.text
    assert stored(database) == []


def test_past_the_rate_limit_a_reader_gets_429_with_a_clear_message(
    sqlite_url: str, database: Database, story: str
) -> None:
    settings = site_settings(sqlite_url, per_address_limit=3, per_address_window_minutes=10)
    client = reader(settings, database)
    for number in range(3):
        assert post_comment(client, story, f"Comment {number}.").status_code == 303
    refused = post_comment(client, story, "One too many.")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 600
    assert "you have posted 3 comments in the last 10 minutes" in refused.text
    assert "please wait 10 minutes and post again" in refused.text
    assert ">One too many.</textarea>" in refused.text  # the reader keeps their text
    other = reader(settings, database, "198.51.100.9")  # another address is not held up
    assert post_comment(other, story, "From elsewhere.").status_code == 303
    assert len(stored(database)) == 4


def test_an_ipv6_network_counts_as_one_address(
    sqlite_url: str, database: Database, story: str
) -> None:
    settings = site_settings(sqlite_url, per_address_limit=1)
    first = reader(settings, database, "2001:db8:1:2::10")
    same_network = reader(settings, database, "2001:db8:1:2:ffff::99")
    assert post_comment(first, story, "Hello.").status_code == 303
    assert post_comment(same_network, story, "Hello again.").status_code == 429


def test_too_many_links_are_refused(sqlite_url: str, database: Database, story: str) -> None:
    client = reader(site_settings(sqlite_url, max_links=2), database)
    body = "See https://a.example and www.b.example and http://c.example/x"
    response = post_comment(client, story, body)
    assert response.status_code == 400
    assert "the comment holds 3 links; at most 2 are allowed" in response.text
    assert post_comment(client, story, "Only https://a.example/ here.").status_code == 303
    assert len(stored(database)) == 1


def test_the_form_says_its_limits_and_the_server_keeps_them(
    sqlite_url: str, database: Database, story: str
) -> None:
    client = reader(site_settings(sqlite_url, max_length=500), database)
    page = client.get(story).text
    assert re.search(r'<input id="comment-name" name="name" maxlength="80"', page)
    assert re.search(r'<textarea id="comment-body" name="body" [^>]*maxlength="500"', page)
    too_long = post_comment(client, story, "x" * 501)
    assert too_long.status_code == 400
    assert "the comment is 501 characters long; at most 500 fit" in too_long.text
    long_name = post_comment(client, story, "Fine.", name="n" * 81)
    assert (
        long_name.status_code == 400 and "the name is longer than 80 characters" in long_name.text
    )
    assert stored(database) == []


def test_a_huge_comment_is_never_sent_back_whole(
    sqlite_url: str, database: Database, story: str
) -> None:
    client = reader(site_settings(sqlite_url), database)  # max_length 4000
    marker = "UNMISTAKABLE "
    response = post_comment(client, story, marker * 8000, name="N" * 5000)  # 104 KB
    assert response.status_code == 400
    assert response.text.count("UNMISTAKABLE") <= 4000 // len(marker) + 1
    assert "N" * 81 not in response.text
    assert len(response.content) < 30_000


def test_a_blocked_address_is_refused_and_its_text_not_offered_back(
    sqlite_url: str, database: Database, story: str
) -> None:
    settings = site_settings(sqlite_url)
    client = reader(settings, database)
    assert post_comment(client, story, "First, fine.").status_code == 303
    with database.transaction() as session:
        comments.reject(session, stored(database)[0].id, "ann", block=True)
    response = post_comment(client, story, "SECOND-ATTEMPT")
    assert response.status_code == 403
    assert "comments from your address are not accepted" in response.text
    assert "SECOND-ATTEMPT" not in response.text
    assert len(stored(database)) == 1
    other = reader(settings, database, "198.51.100.9")
    assert post_comment(other, story, "Me too.").status_code == 303


def test_closed_comments_show_no_form_and_refuse_posts(
    sqlite_url: str, database: Database, story: str
) -> None:
    client = reader(site_settings(sqlite_url), database)
    token_page = client.get(story).text  # the form's token, taken while comments were open
    closed = reader(site_settings(sqlite_url, enabled=False), database)
    closed.cookies = client.cookies
    page = closed.get(story).text
    assert "Comments are closed." in page and 'name="body"' not in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', token_page).group(1)
    action = story.rsplit("/", 1)[0] + "/comments"
    response = closed.post(action, data={"body": "Hello?", "csrf_token": token})
    assert response.status_code == 403 and "comments are closed" in response.text
    assert stored(database) == []


def test_the_address_is_kept_only_as_a_keyed_hash(
    sqlite_url: str, database: Database, story: str, tmp_path
) -> None:
    settings = site_settings(sqlite_url)
    post_comment(reader(settings, database), story, "One.")
    post_comment(reader(settings, database), story, "Two.")
    post_comment(reader(settings, database, "198.51.100.9"), story, "Three.")
    one, two, three = (c.address_hash for c in stored(database))
    assert one == two != three
    assert len(one) == 64 and ADDRESS not in one
    assert one != hashlib.sha256(ADDRESS.encode()).hexdigest()  # salted: not a plain hash
    raw = (tmp_path / "gazette.db").read_bytes()
    assert ADDRESS.encode() not in raw and b"198.51.100.9" not in raw
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other = Database(other_url)
    other.migrate()
    other_story = published_story(other)
    post_comment(reader(site_settings(other_url), other), other_story, "Elsewhere.")
    assert stored(other)[0].address_hash != one  # another site, another secret


def test_control_characters_are_dropped_and_nul_refused(each_database_url: str) -> None:
    """Control characters never reach the database; a NUL (which PostgreSQL refuses in text)
    refuses the whole form, before any route sees it."""
    database = Database(each_database_url)
    database.migrate()
    path = published_story(database, "controls")
    client = reader(site_settings(each_database_url), database)
    response = post_comment(client, path, "Line one\r\nline\x1b two\x07", name="A\x08nn")
    assert response.status_code == 303
    refused = post_comment(client, path, "Line\x00 three", name="Ann")
    assert refused.status_code == 400 and "holds a NUL character" in refused.text
    with database.session() as session:
        rows = comments.list_comments(session, None, 100)
    mine = [row for row in rows if row.author == "Ann"]
    assert [row.body for row in mine] == ["Line one\nline two"]


def test_comments_are_shown_a_page_at_a_time_newest_first(
    sqlite_url: str, database: Database, story: str
) -> None:
    settings = site_settings(sqlite_url, per_page=2, per_address_limit=100)
    client = reader(settings, database)
    for number in range(1, 6):
        assert post_comment(client, story, f"Comment number {number}.").status_code == 303

    def shown(page: str) -> list[str]:
        return re.findall(r"Comment number (\d)\.", page)

    first = client.get(story).text
    assert shown(first) == ["5", "4"] and "Page 1 of 3" in first
    assert 'href="?comments=2#comments"' in first
    assert shown(client.get(f"{story}?comments=2").text) == ["3", "2"]
    last = client.get(f"{story}?comments=3").text
    assert shown(last) == ["1"] and "Older comments" not in last
    beyond = client.get(f"{story}?comments=9")
    assert beyond.status_code == 200 and "There are no comments this far back." in beyond.text
    for bad in ("0", "x", "99999999999999999999", "²"):
        assert client.get(f"{story}?comments={bad}").status_code == 400


def test_a_burst_sent_at_once_is_limited_like_one_sent_in_turn(each_database_url: str) -> None:
    """Twenty posts from one address in parallel: exactly the limit is taken."""
    database = Database(each_database_url)
    database.migrate()
    path = published_story(database, "burst")
    settings = site_settings(each_database_url, per_address_limit=5)
    address = f"198.18.{len(each_database_url) % 250}.{uuid.uuid4().int % 250}"
    clients = [reader(settings, database, address) for _ in range(20)]
    tokens = [token_in(client.get(path).text) for client in clients]
    action = path.rsplit("/", 1)[0] + "/comments"

    def send(index: int) -> int:
        data = {"body": f"Burst {index}.", "csrf_token": tokens[index]}
        return clients[index].post(action, data=data).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = sorted(pool.map(send, range(20)))
    assert codes == [303] * 5 + [429] * 15
    with database.session() as session:
        rows = comments.list_comments(session, None, 1000)
    assert len([row for row in rows if row.body.startswith("Burst ")]) == 5
