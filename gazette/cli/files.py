"""The batch commands over files: `extract`, `cluster`, `summarize` (JSON Lines)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from gazette.cli.base import (
    app,
    counted,
    err,
    print_error,
    progress_bar,
    reports_errors,
    state_of,
)
from gazette.errors import GazetteError, InputError

if TYPE_CHECKING:
    pass


def _output(path: Path) -> TextIO:
    """The output file, open for writing: InputError when it cannot be (a folder, a folder
    that does not exist, no permission), not a traceback."""
    try:
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from exc


@app.command()
@reports_errors
def extract(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="HTML files (.html, .html.gz) or URLs.")],
    output: Annotated[
        Path | None, typer.Option(help="Write JSON Lines here (default: stdout).")
    ] = None,
) -> None:
    """Extract article text and metadata: one JSON object per input, with path, url, title,
    text, authors, published, language and image. Exits with 1 if any input failed."""
    from gazette.batch import extract_inputs, write_jsonl

    settings = state_of(ctx).settings()
    failed = 0
    handle = _output(output) if output else sys.stdout
    try:
        for result in counted(extract_inputs(inputs, settings.fetch), len(inputs), "extract"):
            if isinstance(result, GazetteError):
                print_error(str(result))
                failed += 1
            else:
                write_jsonl([result], handle)
    finally:
        if output:
            handle.close()
    if failed:
        raise typer.Exit(1)


@app.command()
@reports_errors
def cluster(
    ctx: typer.Context,
    input: Annotated[
        Path,
        typer.Option("--input", "-i", help="JSON Lines: id, title, text, published, source, url."),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSON Lines: id, story, thread, reason.")
    ],
) -> None:
    """Group items into stories with the pipeline's clustering, in publication order."""
    from gazette.batch import ClusterInput, cluster_records, read_jsonl, write_jsonl
    from gazette.embedding import default_embedder

    settings = state_of(ctx).settings()
    records = read_jsonl(input, ClusterInput)
    with progress_bar(len(records), "cluster") as advance:
        assignments = cluster_records(records, default_embedder(), settings.cluster, advance)
    with _output(output) as handle:
        write_jsonl(assignments, handle)
    stories = len({a["story"] for a in assignments})
    err.print(f"{len(assignments)} items in {stories} stories -> {output}")


@app.command()
@reports_errors
def summarize(
    ctx: typer.Context,
    input: Annotated[Path, typer.Option("--input", "-i", help="JSON Lines: id, sources[].")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="JSON Lines: one article per story.")
    ],
    max_words: Annotated[int | None, typer.Option(help="Body length budget in words.")] = None,
) -> None:
    """Write one cited article per story: headline, summary, body with \\[n] markers, sentences
    with citations, references, quote and tags. A story that cannot be written gets a line with
    its id and an `error` instead; the others are written, and the command then exits 1."""
    from gazette.batch import SummarizeInput, read_jsonl, summarize_records, write_jsonl
    from gazette.embedding import default_embedder
    from gazette.write.stage import StoryWriter

    settings = state_of(ctx).settings()
    records = read_jsonl(input, SummarizeInput)
    words = settings.write.max_words if max_words is None else max_words
    if not 40 <= words <= 5000:  # the bounds of write.max_words
        raise InputError(f"--max-words must be from 40 to 5000, not {words}")
    write_settings = settings.write.model_copy(update={"max_words": words})
    writer = StoryWriter(default_embedder(), write_settings)
    try:
        with _output(output) as handle:
            written = summarize_records(records, writer)
            articles = list(counted(written, len(records), "summarize"))
            write_jsonl(articles, handle)
    finally:
        writer.close()
    failed = [a for a in articles if "error" in a]
    err.print(f"{len(articles) - len(failed)} articles -> {output}")
    for article in failed:
        err.print(f"story {article['id']!r} not written: {article['error']}", soft_wrap=True)
    if failed:
        raise typer.Exit(1)
