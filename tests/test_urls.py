"""URL canonicalisation on real-looking URLs."""

import pytest

from gazette.errors import InputError
from gazette.urls import canonical_url, domain_of, location_to_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "https://News.Example.com/2026/11/17/story?utm_source=rss&utm_medium=feed#comments",
            "https://news.example.com/2026/11/17/story",
        ),
        ("HTTPS://example.com:443/a/b/", "https://example.com/a/b"),
        ("http://example.com:80/", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        (
            "https://example.com/story?id=7&fbclid=abc&gclid=z&page=2",
            "https://example.com/story?id=7&page=2",
        ),
        ("https://example.com/story?b=2&a=1", "https://example.com/story?a=1&b=2"),
        ("https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"),
        ("https://example.com/café", "https://example.com/caf%C3%A9"),
        ("https://example.com/a?mc_cid=1&mc_eid=2&ref=home", "https://example.com/a"),
        ("https://[2001:db8::1]:443/x", "https://[2001:db8::1]/x"),
        ("https://user:secret@example.com/x", "https://example.com/x"),
        # mobile and AMP copies of one article
        (
            "https://m.news.example.co.uk/world/2026/11/story",
            "https://news.example.co.uk/world/2026/11/story",
        ),
        ("https://mobile.example.com/a/story.html", "https://example.com/a/story.html"),
        ("https://amp.example.com/world/story", "https://example.com/world/story"),
        ("https://www.example.com/world/story/amp", "https://www.example.com/world/story"),
        ("https://www.example.com/amp/world/story/", "https://www.example.com/world/story"),
        ("https://example.com/world/story.amp", "https://example.com/world/story"),
        ("https://example.com/world/story.amp.html", "https://example.com/world/story.html"),
        ("https://example.com/world/story?amp=1&id=4", "https://example.com/world/story?id=4"),
        ("https://example.com/story?outputType=amp", "https://example.com/story"),
        # what is not a variant stays
        ("https://m.com/story", "https://m.com/story"),
        ("https://example.com/camp/ample", "https://example.com/camp/ample"),
        ("https://example.com/amplifier-review", "https://example.com/amplifier-review"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent() -> None:
    url = "https://example.com/a/?utm_campaign=x&q=1#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_domain_of_drops_www() -> None:
    assert domain_of("https://www.Example.org/x") == "example.org"


def test_location_to_url(tmp_path) -> None:  # type: ignore[no-untyped-def]
    feed = tmp_path / "feed.xml"
    feed.write_text("<rss/>")
    assert location_to_url(str(feed)) == feed.resolve().as_uri()
    assert location_to_url("https://example.com/feed") == "https://example.com/feed"
    with pytest.raises(InputError, match="no such file"):
        location_to_url(str(tmp_path / "missing.xml"))
    with pytest.raises(InputError, match="unsupported URL scheme 'gopher'"):
        location_to_url("gopher://example.com/")
    with pytest.raises(InputError, match="no host"):
        location_to_url("https:///path-only")


@pytest.mark.parametrize(
    ("location", "message"),
    [
        ("http://[::1", "not a valid URL: .*Invalid IPv6 URL"),
        ("https://news.example:99999/feed", "not a valid URL: .*[Pp]ort"),
        ("   ", "no address or file given"),
        ("https://news.example/feed?" + "q" * 2048, "longer than 2048 characters"),
    ],
)
def test_a_location_that_is_not_a_url_is_a_clear_error(location: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        location_to_url(location)
