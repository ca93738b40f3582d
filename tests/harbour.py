"""A one-item local feed for command-line tests: a harbour crane that fell in a storm (fiction
written for the tests), as a feed file and the page it links to."""

from __future__ import annotations

FEED = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour News</title><link>https://local.example/</link>
<description>test</description>
<item><title>Harbour crane collapses in storm</title><link>crane.html</link></item>
</channel></rss>
"""
PAGE = """<!DOCTYPE html><html lang="en"><head><title>Harbour crane collapses in storm</title>
</head><body><article><h1>Harbour crane collapses in storm</h1>
<p>A container crane at the Port Calder harbour collapsed during a storm on Monday night, the
harbour authority said, and nobody was injured in the accident.</p>
<p>The 60-metre crane fell onto an empty quay shortly after midnight as winds reached 110
kilometres an hour, according to the authority's statement on Tuesday.</p>
</article></body></html>
"""
