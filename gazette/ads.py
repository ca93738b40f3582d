"""Ad slots: where the publisher's ads go, who decides what each shows, and the markup cleaned
before any page shows it.

The config (`[[ads]]` in gazette.toml) names the slots, their placement and their markup, and
every run and worker syncs it into the database at its start (`sync_ad_slots`). An editor
manages the slots on the desk (`/desk/ads`) or with `gazette ads`, and the rule between the two
is:

- The config decides which slots it names and where they go: a run creates them and keeps
  their placement as the config says.
- An editor may set a slot's markup. The slot is then marked (`edited_by`, `edited_at`) and the
  runs leave its markup alone, whatever the config says, until an editor hands it back to the
  config (`hand_back`), which puts the config's markup in again at once. Setting the markup a
  slot has already changes nothing, and is refused (`same_markup`).
- "The config" of a hand back is the one the caller read: the web app's, read when it started,
  or the one `gazette ads` reads. A worker reads its own at its start and syncs the slots then
  only, so a config changed since is put in by the next worker or run that starts.
- An editor may switch any slot off and on again. The config has no such switch, so the runs
  never change it.
- Slots the config does not name (from an older config, or made by hand) are left alone by the
  runs, and an editor manages them the same way; there is no config to hand them back to.

The desk and the command line both call these functions inside the caller's transaction, and
each writes its audit entry there. The slot's row is locked first (PostgreSQL), so a run's sync
that comes at the same moment either sees the editor's mark or is overwritten by the edit.

Cleaning: the markup is kept as given, and cleaned each time a page shows it (`sanitise_ad`).
What a house ad needs stays (links with their `rel`, images, simple formatting); what could run
code goes, with its content for `<script>` and `<style>`: event handler attributes,
`javascript:` and `data:` addresses, frames, forms, inline styles. nh3 (the binding of the
ammonia sanitiser) parses the markup as a browser would, so malformed tricks do not slip by.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import nh3
from markupsafe import Markup
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from gazette import audit
from gazette.audit import ACTOR_LENGTH, DETAIL_LENGTH
from gazette.config import AdSlotSettings
from gazette.db.models import AdSlot, utcnow
from gazette.db.upsert import insert_for
from gazette.errors import InputError, NotFound
from gazette.text import short_digest

MARKUP_LENGTH = 20_000  # characters of markup an editor may set; an ad is a link and an image
NAME_LENGTH = 64  # the column's, and the config's limit (AdSlotSettings.name)

# Where the readers' pages show each placement (the `ad_slots` calls in
# gazette/web/public/templates/layout.html and story.html), in words.
PLACES = {
    "header": "at the top of every page",
    "article": "inside each story, after its second paragraph",
    "sidebar": "beside the stories",
    "footer": "at the foot of every page",
}

# What a slot does on the readers' pages (`SlotEntry.shows`).
SHOWS = "shows its ad"
EMPTY = "empty"  # nothing in production, a labelled placeholder in development mode
OFF = "off"
NOWHERE = "on no page"  # a placement no page has (a slot made by hand)

# --- cleaning --------------------------------------------------------------------------------

ALLOWED_TAGS = {"a", "abbr", "b", "br", "div", "em", "i", "img", "p", "small", "span", "strong"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "rel", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "title"},
}
ALLOWED_REL = {"sponsored", "nofollow", "noopener", "noreferrer", "ugc"}
ALLOWED_SCHEMES = {"http", "https", "mailto"}  # relative addresses (`/tag/economy`) stay too


def _keep_known_rel(tag: str, attribute: str, value: str) -> str | None:
    """Only the `rel` keywords that describe a link, none that change how a page loads it."""
    if attribute != "rel":
        return value
    kept = [word for word in value.lower().split() if word in ALLOWED_REL]
    return " ".join(kept) or None


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_keep_known_rel,
    link_rel=None,  # the publisher's own `rel` is kept (filtered above)
    url_schemes=ALLOWED_SCHEMES,
    strip_comments=True,
)


@lru_cache(maxsize=256)
def sanitise_ad(html: str) -> Markup:
    """The ad's markup with everything that could run code removed, safe to insert."""
    return Markup(_CLEANER.clean(html).strip())


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotEntry:
    """A slot as the desk and `gazette ads list` show it. `configured_html` is the config's
    markup for it, None when the config does not name the slot; `edited_by` names the editor
    whose markup the runs leave alone."""

    name: str
    placement: str
    html: str
    enabled: bool
    configured_html: str | None
    edited_by: str | None = None
    edited_at: datetime | None = None
    made: bool = True  # False: the config names it and no run has made it yet

    @property
    def shows(self) -> str:
        """What readers get: its ad, nothing (empty once cleaned), nothing because it is off,
        or nothing because no page has its placement."""
        if not self.enabled:
            return OFF
        if self.placement not in PLACES:
            return NOWHERE
        return SHOWS if sanitise_ad(self.html) else EMPTY

    @property
    def in_config(self) -> bool:
        return self.configured_html is not None

    @property
    def follows_config(self) -> bool:
        """Whether the runs keep its markup as the config says."""
        return self.in_config and self.edited_by is None


def _entry(row: AdSlot, configured: Sequence[AdSlotSettings]) -> SlotEntry:
    named = {slot.name: slot.html for slot in configured}
    return SlotEntry(
        name=row.name,
        placement=row.placement,
        html=row.html or "",
        enabled=row.enabled,
        configured_html=named.get(row.name),
        edited_by=row.edited_by,
        edited_at=row.edited_at,
    )


def list_slots(session: Session, configured: Sequence[AdSlotSettings]) -> list[SlotEntry]:
    """Every slot in the database, in the order they were made, against the config `configured`
    (the settings' `ads`); then those the config names that no run has made yet, as the next
    run will make them."""
    entries = [
        _entry(row, configured) for row in session.scalars(select(AdSlot).order_by(AdSlot.id))
    ]
    made = {entry.name for entry in entries}
    for slot in configured:
        if slot.name not in made:
            entries.append(
                SlotEntry(slot.name, slot.placement, slot.html, True, slot.html, made=False)
            )
    return entries


def slot_entry(session: Session, name: str, configured: Sequence[AdSlotSettings]) -> SlotEntry:
    for entry in list_slots(session, configured):
        if entry.name == name:
            return entry
    raise _missing(name)


def _missing(name: str) -> NotFound:
    return NotFound(f"there is no ad slot {shown_name(name)!r}")


def shown_name(name: str) -> str:
    """A name as a message quotes it: one too long for any slot is cut, and says so, so that it
    never reads as the slot whose name it starts with."""
    return name if len(name) <= NAME_LENGTH else name[:NAME_LENGTH] + "…"


def _slot(session: Session, name: str, configured: Sequence[AdSlotSettings]) -> AdSlot:
    """The slot's row, locked (PostgreSQL); a slot the config names that no run has made yet is
    made first, as a run would make it. A name longer than any slot's is no slot's: cut to the
    column's length it could name another slot."""
    if len(name) > NAME_LENGTH:
        raise _missing(name)
    query = select(AdSlot).where(AdSlot.name == name).with_for_update()
    row = session.scalar(query)
    if row is None and (named := [slot for slot in configured if slot.name == name]):
        sync_ad_slots(session, named)
        row = session.scalar(query)
    if row is None:
        raise _missing(name)
    return row


# --- an editor's changes ---------------------------------------------------------------------


def set_markup(
    session: Session,
    name: str,
    html: str,
    configured: Sequence[AdSlotSettings],
    actor: str,
    address: str | None = None,
    seen: str | None = None,
) -> AdSlot:
    """Make the slot show `html` (empty: nothing), and keep it so: the runs leave the markup of
    a slot an editor set alone until it is handed back to the config.

    Markup the slot has already is refused (`same_markup`), like any change that changes
    nothing: saved again, it would pin a slot that follows the config to the desk for nothing,
    log a change nobody made and name the editor as its author. `seen` is the `fingerprint` of
    the markup the editor's page showed (the desk sends it; the command line, which shows none,
    does not): markup changed since (by another editor, or by a run) is not overwritten unseen.
    That is asked first, so that a page drawn again after another refusal (markup too long)
    cannot bring a newer fingerprint back in place of the one the editor's own page showed."""
    slot = _slot(session, name, configured)
    stored = slot.html or ""
    if seen is not None and seen != fingerprint(stored):
        # A hand-back clears the editor's name as a run's sync leaves it clear.
        by = f"by {slot.edited_by}" if slot.edited_by else "it follows the config again"
        raise InputError(
            f"its markup was replaced since this page showed it ({by}); yours is kept in its "
            "box, and saving it again puts it in instead"
        )
    html = normalise_markup(html)
    if len(html) > MARKUP_LENGTH:
        raise InputError(f"the markup is {len(html):,} characters; at most {MARKUP_LENGTH:,}")
    if "\x00" in html:  # PostgreSQL refuses to store one, and no markup needs one
        raise InputError("the markup holds a NUL character (a binary file?); no ad has one")
    if same_markup(stored, html):
        raise InputError(f"ad slot {slot.name} already has this markup")
    detail = _before_after(stored, html)
    slot.html = html
    slot.edited_by = actor[:ACTOR_LENGTH]
    slot.edited_at = utcnow()
    audit.record(session, actor, audit.Action.AD_SET, f"ad slot {slot.name}", detail, address)
    return slot


def same_markup(stored: str, given: str) -> bool:
    """Whether `given` is the markup `stored` already: the same once both are as `set_markup`
    keeps markup (`normalise_markup`), and no looser. A config's markup is kept as written, so a
    TOML string's final line break, or a box sent back by a browser with `\\r\\n` line breaks,
    is no change. Markup that differs only in what cleaning removes is a change all the same:
    markup is kept as given and cleaned each time a page shows it, so the two are stored and
    logged differently, and would show differently once the cleaning keeps more."""
    return normalise_markup(stored) == normalise_markup(given)


def fingerprint(html: str) -> str:
    """A short digest of a slot's stored markup, for a page to send back as what it showed
    (`set_markup`'s `seen`): markup of up to 20,000 characters need not make the round trip."""
    return short_digest(html)


def normalise_markup(html: str) -> str:
    """The markup as it is counted and kept: line breaks as `\\n` (a browser sends a textarea's
    as `\\r\\n` but counts them as one character for its `maxlength`), no space around it."""
    return html.replace("\r\n", "\n").replace("\r", "\n").strip()


def _before_after(before: str, after: str) -> str:
    """The audit entry's detail for changed markup: both sides as `repr`s (an emptied slot
    reads `''`, a line break `\\n`), each cut to half the room so that neither hides the other."""
    room = (DETAIL_LENGTH - len(" -> ")) // 2

    def cut(text: str) -> str:
        shown = repr(text)
        return shown if len(shown) <= room else shown[: room - 1] + "…"

    return f"{cut(before)} -> {cut(after)}"


def switch(
    session: Session,
    name: str,
    on: bool,
    configured: Sequence[AdSlotSettings],
    actor: str,
    address: str | None = None,
) -> AdSlot:
    """Switch a slot on or off: an off slot shows nothing, on any page, in any mode. Switching
    it to what it is already is refused, so that the log and the caller tell only of changes."""
    slot = _slot(session, name, configured)
    if slot.enabled == on:
        raise InputError(f"ad slot {slot.name} is {'on' if on else 'off'} already")
    slot.enabled = on
    action = audit.Action.AD_ON if on else audit.Action.AD_OFF
    audit.record(session, actor, action, f"ad slot {slot.name}", "", address)
    return slot


def hand_back(
    session: Session,
    name: str,
    configured: Sequence[AdSlotSettings],
    actor: str,
    address: str | None = None,
) -> AdSlot:
    """Undo `set_markup`: the slot shows the markup of `configured` again (the caller's config:
    see the module's docstring), now and after every run."""
    slot = _slot(session, name, configured)
    named = {each.name: each for each in configured}
    if slot.name not in named:
        raise InputError(
            f"ad slot {slot.name} is not in the config ([[ads]]): there is nothing to hand it "
            "back to; set its markup instead"
        )
    if slot.edited_by is None:
        raise InputError(f"ad slot {slot.name} follows the config already")
    detail = _before_after(slot.html or "", named[slot.name].html)
    slot.html = named[slot.name].html
    slot.placement = named[slot.name].placement
    slot.edited_by = None
    slot.edited_at = None
    action = audit.Action.AD_HANDED_BACK
    audit.record(session, actor, action, f"ad slot {slot.name}", detail, address)
    return slot


# --- the runs --------------------------------------------------------------------------------


def sync_ad_slots(session: Session, slots: Sequence[AdSlotSettings]) -> None:
    """Create or update the slots the config names: their placement always, their markup
    unless an editor set it on the desk; slots the config does not name are left alone, and so
    is every slot's switch. Each is one INSERT ... ON CONFLICT: workers that start at once on a
    new database all sync the slots, and a plain insert by the second would fail its start."""
    for slot in slots:
        insert = insert_for(session.connection(), AdSlot).values(
            name=slot.name, placement=slot.placement, html=slot.html
        )
        kept_or_configured = case(
            (AdSlot.__table__.c.edited_by.is_(None), insert.excluded.html),
            else_=AdSlot.__table__.c.html,
        )
        changed = {"placement": slot.placement, "html": kept_or_configured}
        session.execute(insert.on_conflict_do_update(index_elements=["name"], set_=changed))
