"""A judgement in a source's own voice is never printed as a fact; the same judgement said by
someone named is reported like any other claim."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gazette.records import SourceArticle
from gazette.write import write_article
from gazette.write.compose import printable_sentences
from gazette.write.stance import (
    is_unattributed_judgement,
    judgement_in,
    judges_in_own_voice,
    without_attitude,
)


@pytest.mark.parametrize(
    "sentence",
    [
        "The harbour master is a liar and a coward who hid the report for a year.",
        "The council's handling of the flood warnings was a disgrace.",
        "Closing the library after one week of talks is shameful.",
        "It was a pathetic performance by a minister who should know better.",
        "I think the mayor will lose the vote in March.",
        "We must stop pretending that the bridge can be paid for by tolls.",
        "In my view the plant should never have been approved.",
        "Let's look at where the money went.",
        "When I sat down with the minister last week, the mood had changed.",
        "The agency has been criticised for its forecasts, and we asked its director why.",
        "Will the strike spread to the ferries?",
        "Nobody asked the residents, and why would they?",
        # the writer's attitude to what the sentence tells, whatever it tells
        "Unfortunately, the council never published the inspectors' report.",
        "Predictably the ferry company blamed the weather.",
        "But, ironically, the new bridge is narrower than the old one.",
        "The mayor's plan — predictably — came to nothing.",
        "The good news is that the harbour reopens on Friday.",
        "It's no secret that the mayor wants the port sold.",
        "Needless to say, the tolls were never lowered.",
        # a degree that grades only a judgement, and a verdict given by a copula
        "The minister was downright evasive in the debate.",
        "The fire service was woefully unprepared for the floods.",
        "The ruling is a victory for the freedom of the press.",
        "The council's decision was another blow to the town's fishermen.",
    ],
)
def test_a_judgement_in_the_writers_voice_is_refused(sentence: str) -> None:
    assert is_unattributed_judgement(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        # said by someone named, before or after the judgement
        "The opposition leader called the harbour master a liar on Tuesday.",
        "Critics said the handling of the flood warnings was a disgrace.",
        "Closing the library after one week of talks is shameful, the librarians' union said.",
        "The decision is absurd, according to the residents' association.",
        "I think we can finish by Friday, the site manager told reporters.",
        # the judgement is inside someone's quotation
        "“This is a disgrace,” Mayor Lena Holt said.",
        "The minister asked: “Why should taxpayers pay for this?”",
        # words with a plain news sense
        "The disgraced former minister was sentenced to three years in prison.",
        "A court found the two officials guilty of taking bribes.",
        "Rubbish collection will resume on Monday, the council said.",
        "We will know more on Friday when the inspectors report, she said.",
        "Ticket prices rose by 12 percent in a year.",
        # "I" that is no pronoun, and the first person of a speaker the sentence names
        "The plant makes I/O chips for servers, the company said in a filing.",
        "The fire was the worst since World War I in the city.",
        "He was charged with a Class I felony on Monday.",
        "Sen. Bernie Sanders (I-Vt.) won the primary.",
        "Police chief Ray Kolb said in a briefing: We are pleased with the arrest.",
        "Police chief Ray Kolb said: 'We are pleased with the arrest.",
        "'When my son and I hid on the floor, I saw her fall,' said Una Armstead, a nurse.",
        "Holt: Our harbour will be open again by Friday",  # a headline's speaker
        "Her book, Notes on the Future of Our Harbour, is out in May.",  # a title's "Our"
        # the same words as a degree or a manner, not a stance on the whole sentence
        "Remarkably few residents came to the meeting on Monday.",
        "Happily married for 40 years, the couple ran the bakery together.",
        "Worse weather is expected on Friday, forecasters said.",
        "The storm was incredibly rare for the time of year.",
        # the stance said by someone named
        "The mayor said that, unfortunately, the money had run out.",
        "Unfortunately, the money has run out, the mayor said.",
        # winning and losing told as deeds or results, not given as a verdict
        "The court dealt a blow to the harbour plan on Monday.",
        "The vote handed the mayor a victory after a year of talks.",
        "Saturday's match was a 3-1 win for Orrin, its tenth win for the season.",
        "It was the first win for the club since 2019.",
        # epistemic adverbs, as news uses them
        "The bridge will, of course, stay open during the works.",
        "The damage was clearly visible from the road.",
    ],
)
def test_a_fact_or_an_attributed_judgement_is_kept(sentence: str) -> None:
    assert judgement_in(sentence) is None


def test_what_makes_the_judgement_is_named() -> None:
    assert judgement_in("He is a liar.") == "judging word: liar"
    assert judgement_in("We must act.") == "first person: We"
    assert judgement_in("What happens now?") == "question"
    assert judgement_in("Sadly, the vote failed.") == "attitude: Sadly"
    assert judgement_in("He was downright rude.") == "intensifier: downright"
    assert judgement_in("It is a win for the town.") == "verdict: is a win for"


def _source(key: str, outlet: str, title: str, *sentences: str) -> SourceArticle:
    return SourceArticle(
        key=key,
        title=title,
        text=" ".join(sentences),
        url=f"https://{outlet.lower().replace(' ', '')}.example/{key}",
        outlet=outlet,
    )


NEWS = _source(
    "n1",
    "Valley Herald",
    "Orrin council closes central library to save money",
    "Orrin city council voted on Monday to close the central library at the end of March.",
    "The closure will save about 400,000 crowns a year, according to the council's budget.",
    "Library staff will be offered jobs at the two branch libraries.",
    "The union representing the staff said it would appeal against the decision.",
)
COLUMN = _source(
    "o1",
    "Evening Lantern",
    "Orrin's councillors ought to be ashamed of themselves",
    "Orrin city council voted on Monday to close the central library, and the vote is a disgrace.",
    "The councillors who backed it are hypocrites who campaigned on reading and schools.",
    "Who will teach the city's children to love books now?",
    "Library staff will be offered jobs at the two branch libraries, the council said.",
)


def test_an_opinion_source_gives_facts_but_not_its_verdicts(embedder) -> None:
    article = write_article([COLUMN, NEWS], embedder)
    printed = [s.text for s in [*article.summary, *article.body]]
    assert printed
    for verdict in ("disgrace", "hypocrites", "Who will teach"):
        assert not any(verdict in s for s in printed), verdict


def test_a_news_reports_title_is_the_headline_before_an_opinion_pieces(embedder) -> None:
    title = "Orrin council votes to close the central library at the end of March"
    news = replace(NEWS, key="n2", title="Staff offered branch jobs as Orrin loses library")
    column = replace(COLUMN, key="o2", title=title)
    assert write_article([column, news], embedder).headline == news.title
    # the same title over a report in a news voice is the one closest to the lead facts
    plain = _source(
        "p2",
        "Evening Lantern",
        title,
        "Orrin's councillors voted on Monday to shut the central library when March ends.",
        "Its staff can move to the branch libraries, the council said.",
    )
    assert write_article([plain, news], embedder).headline == title


def test_a_report_that_judges_in_its_own_voice_is_told_apart() -> None:
    assert judges_in_own_voice(COLUMN.title, COLUMN.text)
    assert not judges_in_own_voice(NEWS.title, NEWS.text)
    # a quotation over several sentences is its speaker's words, first person and all
    quoted = NEWS.text + " “It will not be easy for me. But it must be done,” the mayor said."
    assert not judges_in_own_voice(NEWS.title, quoted)


@pytest.mark.parametrize(
    ("sentence", "told"),
    [
        (
            "Sadly, the mother of two died in the crash on Friday.",
            "The mother of two died in the crash on Friday.",
        ),
        ("The money, unfortunately, had run out by March.", "The money had run out by March."),
        (
            "The good news is that the injunction was lifted on Monday.",
            "The injunction was lifted on Monday.",
        ),
        # a degree, not the writer's attitude: nothing to lift
        ("Incredibly rare storms hit the coast on Sunday.", None),
        # a hope: lifted off, it would tell a fact
        ("Hopefully, the new coach will get the team back on track.", None),
    ],
)
def test_the_writers_attitude_is_lifted_off_the_fact(sentence: str, told: str | None) -> None:
    assert without_attitude(sentence) == (told or sentence)
    if told:
        assert not is_unattributed_judgement(told)


def test_a_frame_that_carries_the_writers_view_is_not_lifted() -> None:
    sentence = "It's no secret that the council's plan is a waste of everyone's time."
    assert without_attitude(sentence) == sentence
    assert is_unattributed_judgement(sentence)


def test_a_fact_told_with_the_writers_attitude_is_printable_without_it() -> None:
    text = (
        "A car left the road near Tolvik on Friday. Sadly, the mother of two died at the scene "
        "before help arrived. The road was closed for six hours."
    )
    printed = [sentence for _, sentence, _ in printable_sentences("Crash near Tolvik", text, False)]
    assert "The mother of two died at the scene before help arrived." in printed
    assert not any("Sadly" in sentence for sentence in printed)
