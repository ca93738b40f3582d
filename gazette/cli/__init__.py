"""The `gazette` command: a thin layer over the library, one module per group of commands.

base.py      the app, its options, errors as one-line messages, progress on the terminal
listing.py   how the list commands print: JSON, "nothing", or a table
site.py      init, serve, demo
sources.py   sources add | list | update | import | export | remove
pipeline.py  run, worker, status, retry
stories.py   story, checks, stories move | merge | split
files.py     extract, cluster, summarize
users.py     users add | list | remove | password
desk.py      desk list | publish | hold | unpublish
comments.py  comments list | approve | reject | delete
tags.py      tags list | rename | merge | hide | show
ads.py       ads list | set | off | on | reset
"""

# The commands appear in --help in the order their modules are imported.
# isort: off
from gazette.cli.base import app
from gazette.cli import site, sources, pipeline, stories, files, users, desk, comments, tags, ads
# isort: on

__all__ = [
    "ads",
    "app",
    "comments",
    "desk",
    "files",
    "main",
    "pipeline",
    "site",
    "sources",
    "stories",
    "tags",
    "users",
]


def main() -> None:
    app()
