"""`gazette ads ...`: the ad slots, without a browser. The work is gazette/ads.py's, as it is for
the desk's Ads page, against the config this command reads (`[[ads]]`), and each change is
written to the audit log as the system user (`cli:<name>`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gazette import ads, audit
from gazette.ads import SlotEntry
from gazette.cli.base import app, out, reports_errors, state_of
from gazette.cli.listing import print_listing
from gazette.db.models import AdSlot
from gazette.errors import InputError

ads_app = typer.Typer(help="List ad slots; set what one shows, switch it off or on.")
app.add_typer(ads_app, name="ads")

Name = Annotated[str, typer.Argument(help="The slot's name, as `gazette ads list` shows it.")]
SHOWN_MARKUP = 60  # characters of a slot's markup in the table (`--json` has it all)


def origin(entry: SlotEntry) -> str:
    """Whose markup the slot shows, in words."""
    if entry.edited_by is not None:
        return f"set by {entry.edited_by}"
    if not entry.made:
        return "config (made by the next run)"
    return "config" if entry.in_config else "not in the config"


def _row(entry: SlotEntry) -> tuple[str, ...]:
    """The slot in the table: its markup cut short."""
    markup = entry.html if len(entry.html) <= SHOWN_MARKUP else entry.html[:SHOWN_MARKUP] + "…"
    return (entry.name, entry.placement, entry.shows, markup, origin(entry))


def as_record(entry: SlotEntry) -> dict[str, object]:
    return {
        "name": entry.name,
        "placement": entry.placement,
        "enabled": entry.enabled,
        "shows": entry.shows,
        "html": entry.html,
        "shown_html": str(ads.sanitise_ad(entry.html)),
        "in_config": entry.in_config,
        "made": entry.made,
        "follows_config": entry.follows_config,
        "edited_by": entry.edited_by,
        "edited_at": entry.edited_at.isoformat() if entry.edited_at else None,
    }


@ads_app.command("list")
@reports_errors
def ads_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show every slot: its placement, whether it shows, its markup and whose it is."""
    state = state_of(ctx)
    with state.database().session() as session:
        entries = ads.list_slots(session, state.settings().ads)
    columns = ("name", "placement", "shows", "markup", "from")
    print_listing(entries, columns, _row, "no ad slots", as_json, as_record)


def _markup(html: str | None, file: Path | None) -> str:
    """The markup given with --html, or read from --file (`-`: standard input)."""
    if (html is None) == (file is None):
        raise InputError("give the markup with --html or with --file, one of them")
    if html is not None:
        return html
    assert file is not None
    try:
        return sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {file}: {exc}") from exc


@ads_app.command("set")
@reports_errors
def ads_set(
    ctx: typer.Context,
    name: Name,
    html: Annotated[
        str | None, typer.Option(help="The ad's markup (links, images, simple formatting).")
    ] = None,
    file: Annotated[
        Path | None, typer.Option(help="Read the markup from this file (`-`: standard input).")
    ] = None,
) -> None:
    """Make a slot show this markup (`--html ''`: nothing); the runs keep it until `ads reset`."""
    markup = _markup(html, file)
    state = state_of(ctx)
    with state.database().transaction() as session:
        slot = ads.set_markup(
            session, name, markup, state.settings().ads, audit.command_line_actor()
        )
        said = what_readers_get(slot)
    out.print(f"ad slot {name} is set; {said}")


def what_readers_get(slot: AdSlot) -> str:
    """After a change: what readers see of the slot now, or why they see nothing of it."""
    if not slot.enabled:
        return "it is off: no page shows it until it is switched on (`gazette ads on`)"
    if slot.placement not in ads.PLACES:
        return f"no page has its placement {slot.placement!r}, so readers see nothing of it"
    return f"readers see: {ads.sanitise_ad(slot.html) or '(nothing)'}"


@ads_app.command("off")
@reports_errors
def ads_off(ctx: typer.Context, name: Name) -> None:
    """Switch a slot off: no page shows it, in any mode, until it is switched on."""
    _switch(ctx, name, on=False)


@ads_app.command("on")
@reports_errors
def ads_on(ctx: typer.Context, name: Name) -> None:
    """Switch a slot on again."""
    _switch(ctx, name, on=True)


def _switch(ctx: typer.Context, name: str, on: bool) -> None:
    state = state_of(ctx)
    with state.database().transaction() as session:
        ads.switch(session, name, on, state.settings().ads, audit.command_line_actor())
    out.print(f"ad slot {name} is {'on' if on else 'off'}")


@ads_app.command("reset")
@reports_errors
def ads_reset(ctx: typer.Context, name: Name) -> None:
    """Hand a slot back to the config: it shows the config's markup again, and after every run."""
    state = state_of(ctx)
    with state.database().transaction() as session:
        ads.hand_back(session, name, state.settings().ads, audit.command_line_actor())
    out.print(f"ad slot {name} follows the config again")
