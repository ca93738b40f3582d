"""Who said it: a quotation's speaker is the person named, not what they speak for, and a
sentence that only says someone said something is never printed alone
(gazette/write/quotes.py, gazette/write/standalone.py)."""

from __future__ import annotations

import pytest
from reports import source

from gazette.write import write_article
from gazette.write.quotes import find_quotes
from gazette.write.standalone import is_attribution_only, stand_alone


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        (
            '"We have no idea what caused it," the Rev. Larry Kroon of the Wasilla Bible Church '
            "said on Saturday.",
            "Larry Kroon",
        ),
        (
            "“And it is, of course, as you can see, a total loss,” Palmer Public Safety Director "
            "Jon Owen said at the site.",
            "Jon Owen",
        ),
        (
            'Lena Holt, a spokeswoman for the Orrin Port Authority, said: "The harbour will stay '
            'closed until the storm has passed."',
            "Lena Holt",
        ),
        (
            '"Demand for workers is surging as the economy emerges from the pandemic," said '
            "Indeed Hiring Lab director of research Nick Bunker.",
            "Nick Bunker",
        ),
        (
            '"I attach hopes for the better to these elections," said Valentina Redzhepova, a '
            "resident of Ashgabat.",
            "Valentina Redzhepova",
        ),
        (
            '"He fled on foot, so that is in question now," Described as tall, Lyons warned.',
            "Lyons",
        ),
        # an organisation that speaks for itself is the speaker
        (
            '"We will appeal this ruling in the higher court," Halvorsen Robotics said.',
            "Halvorsen Robotics",
        ),
    ],
)
def test_the_speaker_is_the_person_not_what_they_speak_for(text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes(text)] == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # an office before the name (neus-val-67, -180, -227, -76)
        (
            "“It is infinitely better than what was first proposed,” House Speaker Nancy Pelosi "
            "said on Tuesday.",
            "Nancy Pelosi",
        ),
        (
            "“It is a very straightforward and relatively modest bill,” said Senate Majority "
            "Leader Chuck Schumer.",
            "Chuck Schumer",
        ),
        (
            "“The single most effective way to stop the spread is a mask,” President-elect Joe "
            "Biden said.",
            "Joe Biden",
        ),
        # a party tag, in brackets or between commas (neus-val-88: "Calif"; -144: "Connell")
        (
            "“I heard it did not go well,” House Speaker Nancy Pelosi (D-Calif.) told a fellow "
            "leader.",
            "Nancy Pelosi",
        ),
        (
            "McConnell, R-Ky., told Fox News that the White House has shown no interest. “I "
            "haven't been invited to the White House,” McConnell said.",
            "McConnell",
        ),
        # an apposition after the name (neus-val-153: "Democrats")
        (
            "“This is a historic and long-overdue moment for our Commonwealth,” Donald McEachin "
            "and Jennifer Wexton, both Democrats from Virginia, said in a statement.",
            "Donald McEachin and Jennifer Wexton",
        ),
        (
            "Chuck Schumer, a New York Democrat, said: “It is a very straightforward and modest "
            "bill.”",
            "Chuck Schumer",
        ),
        # a word that opens the sentence is not part of the name (neus-val-82: "The Biden")
        (
            "The Biden administration has bought enough doses, President Joe Biden said. "
            '"We\'ve now purchased enough vaccine supply to vaccinate all Americans," Biden said.',
            "Joe Biden",
        ),
        # a clause before the speaker is no aside (19_ecbplus gave "However")
        (
            "However, his relatives are skeptical of the police account—his sister Mahnefah Gray "
            'said, "He has common sense... They killed my little brother for no reason. "',
            "Mahnefah Gray",
        ),
        # an office of two words in one (neus-val-164), a day after the name
        (
            "“We do not have time to waste,” WHO Director-General Tedros Adhanom Ghebreyesus said.",
            "Tedros Adhanom Ghebreyesus",
        ),
        (
            "“We do not have time to waste at all,” said Alexandria Ocasio-Cortez on Monday.",
            "Alexandria Ocasio-Cortez",
        ),
    ],
)
def test_the_speaker_is_the_name_without_what_surrounds_it(text: str, speaker: str) -> None:
    assert [q.speaker for q in find_quotes(text)] == [speaker]


@pytest.mark.parametrize(
    "text",
    [
        # a name that only qualifies a noun names nobody (neus-val-17: "Democratic"; -25)
        '"Ninety to 95 percent of our donor base is terrified about Warren," said a prominent '
        "Democratic official.",
        "“There’s really no good answer here if you’re the Biden campaign,” one Florida "
        "Democratic operative said.",
        # nor does a description (neus-val-79: "The")
        "The paramilitary group, known for its pro-gun sentiment, said in a Facebook post, “We "
        "will stand together with unwavering resolve to keep these Senators safe.”",
        # the sentence after a quotation's full stop does not attribute it (19_ecbplus: "But King")
        'She told detectives she could not see what the boys were doing "from the angle I was '
        'at. " But King told The News that the boys moved into view.',
        # nor the sentence after a quotation whose own quotation closed it (5_ecbplus: "Snider,
        # who attended King's news conference, said he backed King")
        "King said that when he broke the news yesterday to the coach, “He asked why, and I told "
        "him that we are going to make a change. He said, 'Thank you. '” Snider, who attended "
        "the news conference, said he backed King.",
        # "he" is not the one person the sentence before speaks of as "her"
        "Party girl Tara Reid checked herself into a treatment centre, her rep told People. "
        '"We appreciate your respect to her and her family\'s privacy at this time," he said.',
    ],
)
def test_a_quotation_without_a_named_speaker_is_not_taken(text: str) -> None:
    assert find_quotes(text) == ()


@pytest.mark.parametrize(
    "sentence",
    [
        "Brown said in a prepared statement.",
        "She told reporters on Tuesday.",
        "Queens District Attorney Richard Brown said in a statement.",
        "Police said.",
    ],
)
def test_a_sentence_that_is_only_an_attribution_is_not_used(sentence: str) -> None:
    assert is_attribution_only(sentence)
    assert not stand_alone(sentence, [], []).usable


@pytest.mark.parametrize(
    "sentence",
    [
        "Police said the driver fled.",
        "The company said in a statement that it would appeal.",
        "Brown said the driver had drunk half a litre of vodka.",
        "Governor Anneli Brask has declared a state of emergency for the region.",
    ],
)
def test_a_sentence_that_says_what_was_said_is_used(sentence: str) -> None:
    assert not is_attribution_only(sentence)
    assert stand_alone(sentence, [], []).usable


@pytest.mark.parametrize(
    "sentence",
    [
        "Of the alleged gunman, she said, “He's a menace to society.”",
        'Asked about the delay, they told reporters: "We will open the bridge in May."',
    ],
)
def test_a_quotation_a_pronoun_introduces_is_printed_only_after_who_it_is(sentence: str) -> None:
    reading = stand_alone(sentence, ["The hearing resumed on Monday."], [])
    assert reading.usable and reading.needs_previous


@pytest.mark.parametrize(
    ("sentence", "points_back"),
    [
        ("There’s no evidence of that.", True),
        ("Officials said they were aware of this.", True),
        ("There is no evidence of fraud.", False),
        ("The mayor spoke about this week’s storm.", False),
    ],
)
def test_a_sentence_about_a_bare_this_or_that_is_kept_with_what_it_means(
    sentence: str, points_back: bool
) -> None:
    assert stand_alone(sentence, [], []).needs_previous is points_back


def test_a_quotation_a_name_introduces_stands_alone() -> None:
    sentence = "Of the alleged gunman, Judge Mara Olsen said, “He's a menace to society.”"
    assert not stand_alone(sentence, [], []).needs_previous


def test_an_attribution_cut_from_its_quotation_is_never_printed(embedder) -> None:
    """The splitter cuts a quotation in spaced marks from its attribution: the quotation has no
    speaker and the attribution says nothing; neither is printed."""
    text = (
        "Queens District Attorney Richard Brown charged the driver with manslaughter on "
        "Saturday. “ Drinking and driving is a deadly combination – one that can turn a car "
        "into a weapon, ” Brown said in a prepared statement. The driver, Vishwanand Subryan, "
        "was held without bail at a hearing in Queens on Sunday. Raj Chohan, 59, was struck by "
        "a grey car on 117th Street on Friday night and died at Jamaica Hospital."
    )
    sources = [source("a", "Queens Ledger", "Driver charged in fatal Queens hit and run", text)]
    article = write_article(sources, embedder)
    printed = [s.text for s in [*article.summary, *article.body]]
    assert len(printed) >= 3
    assert not any(s.startswith("Brown said") for s in printed), printed
