"""A fictional newsroom for bench/scale.py: many feeds on loopback, new items over time.

Items are numbered from 0. Item k belongs to feed k mod FEEDS, and feed f is served by outlet
f mod HOSTS, each outlet on its own loopback address (127.0.0.1, 127.0.0.2, ...) so that the
fetcher's per-host limits and leases see many hosts, as with real outlets. The first `backlog`
items are already in their feeds when the server starts; after `live_start` (a wall-clock
time the benchmark sets) `rate` more appear every second. A feed lists its 25 newest items,
each with the time it appeared as its date, and answers 304 to a request that names its
current ETag.

Every EVENT consecutive items report one event: the first is a wire story, the second the
same wire story as another outlet ran it (a new headline, a word changed, the last paragraph
cut: a near-duplicate for dedupe), the rest independent reports written from the same facts
in other words (one story for clustering). The text is invented here, from word lists.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EVENT = 6
FEED_ITEMS = 25

TOWNS = "Varlen Ostrida Kelm Brannock Sessa Tolvar Mirrin Haldane Quorra Pellis Dunmore Avesta"
PEOPLE = (
    "Ilse Marrow|Tomas Greve|Anika Solberg|Dario Venn|Maren Holt|Pieter Lusk|Yara Olen|"
    "Collum Reyes|Edda Strand|Ravi Castel|Nora Vik|Jonas Ferrant"
)
BODIES = (
    "the harbour board|the rail workers' union|the national water agency|the city council|"
    "the finance ministry|the regional court|the health authority|the energy regulator|"
    "the farmers' federation|the transport authority|the central bank|the schools inspectorate"
)
TOPICS = (
    "a new ferry terminal|a strike on the coastal line|flood barriers on the river|a rise in "
    "the lending rate|the closure of a paper mill|a hospital wing|a wind farm off the cape|"
    "cuts to bus routes|a ruling on fishing quotas|a rebuilt stone bridge|a school building "
    "plan|a tax on empty homes"
)
# Each fact in three wordings; an independent report picks one of each.
FACT_TEMPLATES = (
    (
        "{body} approved {topic} in {town} on {day}, after a vote of {votes} to {against}.",
        "By {votes} votes to {against}, {body} backed {topic} for {town} on {day}.",
        "{topic} for {town} won the support of {body} on {day}, {votes} votes to {against}.",
    ),
    (
        "The plan will cost {cost} million crowns and is due to be finished by {year}.",
        "Its price is put at {cost} million crowns, with completion planned for {year}.",
        "Officials expect a bill of {cost} million crowns and a finish in {year}.",
    ),
    (
        '"{quote}," said {person}, who leads {body}.',
        '{person}, the head of {body}, said: "{quote}."',
        '"{quote}," {person} told a news conference.',
    ),
    (
        "About {jobs} jobs depend on the decision, according to figures from {body}.",
        "Some {jobs} people work in jobs tied to the project, {body} says.",
        "The decision affects roughly {jobs} jobs in and around {town}.",
    ),
    (
        "Residents of {town} have argued over {topic} for {years} years.",
        "The argument over {topic} in {town} goes back {years} years.",
        "For {years} years {town} has been divided over {topic}.",
    ),
    (
        "{person} said work could start within {months} months if funding holds.",
        "Work may begin in {months} months, {person} said, if the money is there.",
        "A start within {months} months is possible, according to {person}.",
    ),
)
QUOTES = (
    "We have waited long enough for this",
    "This is the right decision for the coast",
    "Nobody should pretend the costs are small",
    "The people of the region deserve better than delay",
)
# Background sentences, put together from parts, so that no two reports share many.
SUBJECTS = (
    "Shopkeepers on the main street|Several councillors|A group of parents|Older residents|"
    "Engineers who studied the site|Two opposition parties|The local chamber of commerce|"
    "Fishermen at the quay|Commuters on the early trains|A retired judge|Students at the "
    "college|Hotel owners along the shore"
)
VERBS = (
    "said they were worried about|asked for more detail on|welcomed the news about|warned "
    "against rushing|questioned the cost of|called for a vote on|wrote to the governor about|"
    "held a meeting on|complained about the noise of|praised the work on"
)
OBJECTS = (
    "the old harbour wall|traffic on the ring road|the price of rents|the water supply in "
    "summer|the length of the works|parking near the station|the future of the market|"
    "the coastal path|the night buses|the state of the schools|flooding in the lower town|"
    "the tourist season"
)
TAILS = (
    "last week|at a packed hall|in a letter to the paper|on local radio|in a petition|"
    "earlier this year|after the last storm|before the summer|over the weekend|in the spring"
)
OPENERS = "In {town},|On {day},|After months of debate,|For the first time in years,|Late on {day},"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _split(words: str, sep: str = "|") -> list[str]:
    return words.split(sep) if sep in words else words.split()


class Newsroom:
    """What the feeds and pages say at any moment (pure: the server only asks)."""

    def __init__(self, feeds: int, hosts: int, backlog: int, start: float) -> None:
        self.feeds, self.hosts, self.backlog, self.start = feeds, hosts, backlog, start
        self.live_start = 0.0  # set by the benchmark: 0 means no new items yet
        self.rate = 0.0

    def appeared(self, item: int) -> float:
        """When item `item` appears in its feed (wall clock)."""
        if item < self.backlog:  # spread over the hour before the start
            return self.start - 3600 + 3600 * item / max(self.backlog, 1)
        return self.live_start + (item - self.backlog) / self.rate

    def count(self, now: float) -> int:
        """How many items have appeared by `now`."""
        if self.live_start <= 0 or now < self.live_start:
            return self.backlog
        return self.backlog + int((now - self.live_start) * self.rate) + 1

    def feed_items(self, feed: int, now: float) -> list[int]:
        """The newest FEED_ITEMS items of `feed` that have appeared, newest first."""
        last = self.count(now) - 1
        if last < feed:
            return []
        newest = last - (last - feed) % self.feeds
        return list(range(newest, -1, -self.feeds))[:FEED_ITEMS]

    def host(self, feed: int) -> str:
        return f"127.0.0.{feed % self.hosts + 1}"

    def feed_of(self, item: int) -> int:
        return item % self.feeds


def event_facts(event: int) -> dict[str, object]:
    rng = random.Random(event)
    votes = rng.randint(9, 30)
    return {
        "town": rng.choice(_split(TOWNS)),
        "person": rng.choice(_split(PEOPLE)),
        "body": rng.choice(_split(BODIES)),
        "topic": rng.choice(_split(TOPICS)),
        "day": rng.choice(DAYS),
        "votes": votes,
        "against": rng.randint(0, votes - 1),
        "cost": rng.randint(12, 900),
        "year": rng.randint(2027, 2033),
        "jobs": rng.randint(40, 3000),
        "years": rng.randint(2, 20),
        "months": rng.randint(2, 18),
        "quote": rng.choice(QUOTES),
    }


def _fill(template: str, facts: dict[str, object]) -> str:
    text = template.format(**facts)
    return text[0].upper() + text[1:]


def _background(rng: random.Random) -> str:
    parts = (_split(SUBJECTS), _split(VERBS), _split(OBJECTS), _split(TAILS))
    subject, verb, thing, tail = (rng.choice(options) for options in parts)
    return f"{subject} {verb} {thing} {tail}."


def report(item: int) -> tuple[str, list[str]]:
    """The headline and paragraphs of item `item` (about 250 words)."""
    event, role = divmod(item, EVENT)
    facts = event_facts(event)
    if role <= 1:  # the wire story, and another outlet's copy of it
        rng = random.Random(event * 7919)
        sentences = [_fill(t[0], facts) for t in FACT_TEMPLATES]
        sentences += [_background(rng) for _ in range(12)]
        headline = _fill("{body} backs {topic} in {town}", facts)
        if role == 1:
            headline = _fill("{town}: go-ahead for {topic}", facts)
            sentences = [s.replace(" said ", " told reporters ") for s in sentences[:-2]]
    else:  # an independent report: the same facts, in its own order and words
        rng = random.Random(item)
        facts_used = [rng.choice(t) for t in rng.sample(FACT_TEMPLATES, rng.randint(4, 6))]
        opener = rng.choice(_split(OPENERS)).format(**facts)
        first = facts_used[0].format(**facts)
        if first.split()[0] in ("The", "For", "Its", "Officials", "Some", "Work", "A", "By"):
            first = first[0].lower() + first[1:]
        sentences = [f"{opener} {first}"] + [_fill(t, facts) for t in facts_used[1:]]
        sentences += [_background(rng) for _ in range(rng.randint(10, 14))]
        rest = sentences[1:]
        rng.shuffle(rest)
        sentences = sentences[:1] + rest
        headline = _fill(rng.choice(["{topic} for {town}", "{person} on {topic}"]), facts)
    paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    return headline, paragraphs


def feed_xml(room: Newsroom, feed: int, base: str, now: float) -> str:
    entries = []
    for item in room.feed_items(feed, now):
        headline, paragraphs = report(item)
        date = format_datetime(datetime.fromtimestamp(room.appeared(item), UTC))
        entries.append(
            f"<item><title>{headline}</title><link>{base}/news/{item}.html</link>"
            f"<guid>{base}/news/{item}.html</guid><pubDate>{date}</pubDate>"
            f"<description>{paragraphs[0][:200]}</description></item>"
        )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet feed {feed}</title>'
        f"<link>{base}/</link><description>news</description>{''.join(entries)}</channel></rss>"
    )


def page_html(room: Newsroom, item: int, base: str) -> str:
    headline, paragraphs = report(item)
    date = datetime.fromtimestamp(room.appeared(item), UTC).isoformat()
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang=en><head><title>{headline}</title>"
        f'<meta property="article:published_time" content="{date}">'
        f'<link rel="canonical" href="{base}/news/{item}.html"></head><body>'
        f'<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>'
        f'<article><h1>{headline}</h1><p class="byline">By Staff Reporter</p>{body}</article>'
        "<aside><h2>Most read</h2><ul><li>Weather for the weekend</li><li>Results</li></ul>"
        "</aside><footer>Outlet Media. All rights reserved.</footer></body></html>"
    )


def serve(room: Newsroom, port: int, ready: threading.Event | None = None) -> None:
    """Serve the newsroom on port `port` of every outlet's address until the process ends."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str, etag: str | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # the standard library's name
            base = f"http://{self.headers['Host']}"
            path, now = self.path, time.time()
            if path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif path.startswith("/feed/") and path.endswith(".xml"):
                feed = int(path[6:-4])
                items = room.feed_items(feed, now)
                etag = f'"{feed}-{items[0] if items else -1}"'
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", "application/rss+xml", etag)
                    return
                body = feed_xml(room, feed, base, now).encode()
                self._send(200, body, "application/rss+xml", etag)
            elif path.startswith("/news/") and path.endswith(".html"):
                item = int(path[6:-5])
                if item >= room.count(now):
                    self._send(404, b"not yet", "text/plain")
                    return
                self._send(200, page_html(room, item, base).encode(), "text/html; charset=utf-8")
            else:
                self._send(404, b"not found", "text/plain")

    servers = []
    for host in sorted({room.host(f) for f in range(room.feeds)}):
        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    if ready is not None:
        ready.set()
