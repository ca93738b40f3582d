"""The one way the `list` commands print what they list: JSON when asked for (`--json`), a line
saying there is nothing, or a table with a row per item."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from rich.table import Table

from gazette.cli.base import out

T = TypeVar("T")


def print_listing(
    items: Sequence[T],
    columns: Sequence[str],
    row: Callable[[T], Sequence[str]],
    empty: str,
    as_json: bool = False,
    record: Callable[[T], object] | None = None,
) -> None:
    """Print `items`: with `as_json`, a JSON list of their `record`s (an empty list when there
    are none, for scripts); else `empty` when there are none, else a table of their `row`s under
    `columns`."""
    if as_json:
        if record is None:
            raise TypeError("a listing printed as JSON needs the record of each item")
        out.print_json(json.dumps([record(item) for item in items]))
        return
    if not items:
        out.print(empty)
        return
    table = Table(*columns)
    for item in items:
        table.add_row(*row(item))
    out.print(table)
