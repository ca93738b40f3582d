"""A small fictional story told by three outlets and one reprint: the ferry fire on the MV Tern.

It has what a writer must handle: a fact all three report, a figure they disagree on (86
passengers against 70), an attributed quotation and a syndicated copy.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gazette.records import SourceArticle

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

A = SourceArticle(
    key="a",
    outlet="Coast Daily",
    url="https://coastdaily.example/ferry",
    published=T0,
    title="Ferry service to Skarv Island suspended after engine fire - Coast Daily",
    text=(
        "The ferry service to Skarv Island was suspended on Monday after a fire broke out in "
        "the engine room of the MV Tern.\n"
        "All 86 passengers were brought back to Brenmouth harbour safely, the operator said.\n"
        '"Our crew did exactly what they were trained to do," said operator chief Lena Holt.\n'
        "The service will resume on Thursday with a replacement vessel."
    ),
)
B = SourceArticle(
    key="b",
    outlet="Island Voice",
    url="https://islandvoice.example/tern-fire",
    published=T0 + timedelta(hours=1),
    title="Engine fire halts Skarv Island ferry",
    text=(
        "An engine room fire on the MV Tern on Monday forced the suspension of the ferry "
        "service to Skarv Island.\n"
        "All 86 passengers returned to Brenmouth harbour safely.\n"
        "Islanders said they were worried about deliveries of food and medicine.\n"
        '"Our crew did exactly what they were trained to do," Holt said.'
    ),
)
B_COPY = SourceArticle(
    key="b-copy",
    outlet="Regional Wire Reprint",
    url="https://reprint.example/tern",
    published=T0 + timedelta(hours=2),
    title="Engine fire halts island ferry",
    text=B.text,
    copy_of="b",
)
C = SourceArticle(
    key="c",
    outlet="Harbour Post",
    url="https://harbourpost.example/tern",
    published=T0 + timedelta(hours=3),
    title="Skarv ferry suspended after fire",
    text=(
        "The Skarv Island ferry service has been suspended after an engine fire on the MV Tern "
        "on Monday.\n"
        "The 70 passengers on board were taken back to Brenmouth harbour without injury.\n"
        "A replacement vessel will take over the route on Thursday."
    ),
)
