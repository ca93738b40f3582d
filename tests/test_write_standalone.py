"""A sentence that points back stands only after what it points to (gazette/write/standalone.py):
a pronoun set after an opening phrase points back as one that opens the sentence does."""

from __future__ import annotations

import pytest

from gazette.write.standalone import named_in_full, stand_alone


@pytest.mark.parametrize(
    "sentence",
    [
        # neus-val-12: printed after a sentence on Donald Trump, "he" read as Trump, not Moore
        "After all, he faced allegations that he initiated unwanted sexual contact with teenage "
        "girls when he was in his 30s.",
        # neus-val-298, a summary sentence: "it" is the State Department of the sentence before
        "On Monday, it implemented a policy denying visas to such partners if they're not "
        "legally married.",
        # 3_ecb
        "Later that day, as he attempted to elude police, he shot and killed a U.S. Customs agent.",
        "Speaking to reporters on Monday, she said the talks had failed.",
        # neus-val-24: "that point" is the condition the sentence before sets
        "Until that point, Dunford wrote, there will be no modifications to the current policy.",
    ],
)
def test_a_pronoun_after_an_opening_phrase_points_back(sentence: str) -> None:
    assert stand_alone(sentence, [], []).needs_previous


@pytest.mark.parametrize(
    "sentence",
    [
        # what the pronoun stands for is in the opening phrase
        "After Ratcliffe was nominated, he said he would serve in the post.",
        "When the officers turned around, they allegedly saw Subryan speed past them.",
        # a pronoun for what comes later, not for what came before
        "Ahead of his decisive victory in the Nevada caucuses, Sanders tweeted out a message.",
        # "it" standing for nothing
        "In 2019, it was announced that the plant would close within two years.",
        "In a statement on Tuesday, the company said it would appeal the ruling.",
    ],
)
def test_a_sentence_that_names_its_subject_stands_alone(sentence: str) -> None:
    assert not stand_alone(sentence, [], []).needs_previous


PAUL = (
    "The hearings start on Tuesday. “It's a partisan farce,” Sen. Rand Paul, R-Ky., said of the "
    "effort. Paul added that he does not believe it is possible Trump will be convicted."
)


@pytest.mark.parametrize(
    ("sentence", "printed"),
    [
        # neus-val-5: the summary's "Paul added..." was the article's only mention of him
        (
            "Paul added that he does not believe it is possible Trump will be convicted.",
            "Rand Paul added that he does not believe it is possible Trump will be convicted.",
        ),
        # the speaker of an attribution (neus-val-24: "Until that point, Dunford wrote, ...")
        (
            "The trial will be short, Paul said on Sunday.",
            "The trial will be short, Rand Paul said on Sunday.",
        ),
    ],
)
def test_a_person_first_named_by_surname_is_named_in_full(sentence: str, printed: str) -> None:
    assert named_in_full(sentence, "", PAUL, [PAUL]) == printed


def test_a_surname_is_left_alone_when_the_name_is_told_unknown_or_not_in_every_source() -> None:
    sentence = "Paul added that he does not believe it is possible Trump will be convicted."
    # the article named him before
    assert named_in_full(sentence, "Sen. Rand Paul spoke first.", PAUL, [PAUL]) == sentence
    # a cited outlet that does not write "Rand Paul" would no longer support the sentence
    assert named_in_full(sentence, "", PAUL, [PAUL, sentence]) == sentence
    # two people of that name in the source
    twice = PAUL + " His son Ron Paul disagreed."
    assert named_in_full(sentence, "", twice, [twice]) == sentence
    # a run of capitalised words before the name is not a given name ("Englishman Robert Buckley")
    glued = "Englishman Robert Buckley died on the glacier. Buckley said he was tired."
    assert named_in_full("Buckley said he was tired.", "", glued, [glued]).startswith("Buckley")


def test_she_is_not_the_name_in_a_possessive_before_it() -> None:
    """neus-val-7: "She has “no fear whatsoever”..." after "..., said Ackison, who protested Gov.
    Mike DeWine’s orders" is Ackison, not DeWine: a pronoun is not given the one full name of
    the sentence before when that name only owns something there."""
    before = [
        "“It enrages something inside of you,” said Ackison, who was among those who protested "
        "Republican Gov. Mike DeWine’s orders at the statehouse with her 10-year-old son."
    ]
    sentence = "She has “no fear whatsoever” of contracting the virus, she said Thursday."
    reading = stand_alone(sentence, before, [])
    assert reading.text == sentence and reading.needs_previous


def test_he_is_not_the_other_name_beside_a_possessive() -> None:
    """29_ecb: "He completed his first 17 passes" after "...defined Colts quarterback Peyton
    Manning's start against the Jacksonville Jaguars." is Manning; with the possessive left
    out, the one full name was the Jaguars, and the summary read "Jacksonville Jaguars completed
    his first 17 passes"."""
    before = [
        "Precision and perfection defined Colts quarterback Peyton Manning's start against the "
        "Jacksonville Jaguars."
    ]
    sentence = "He completed his first 17 passes in the game on Thursday."
    reading = stand_alone(sentence, before, [])
    assert reading.text == sentence and reading.needs_previous


# nyt 2026-08-13, "Driver Sets Record for Hydrogen-Powered Vehicle": "he" is Andy Green, and the
# Royal Air Force the sentence before names is no speaker.
GREEN = (
    "Andy Green, a 64-year-old retired Royal Air Force pilot from Britain, was already the only "
    "person to break the sound barrier on land."
)
GROUND = "“The ground comes at you very, very quickly,” he said."


def test_a_pronoun_speaker_is_never_an_organisation() -> None:
    from gazette.write.quotes import find_quotes

    quotes = find_quotes(GREEN + " " + GROUND)
    reading = stand_alone(GROUND, [GREEN], quotes)
    assert "Royal Air Force" not in reading.text
    assert not reading.usable or reading.needs_previous


def test_an_opening_pronoun_is_never_an_organisation() -> None:
    previous = ["The Royal Air Force flew the jets over the city on Tuesday."]
    reading = stand_alone("He said the flight had gone well.", previous, [])
    assert not reading.text.startswith("Royal Air Force")
    assert reading.needs_previous


def test_a_pronoun_speaker_who_is_a_person_is_named() -> None:
    previous = ["On Monday, the head of the council, Anneli Brask, opened the meeting."]
    sentence = "“We will not close the library this year,” she said."
    from gazette.write.quotes import find_quotes

    reading = stand_alone(sentence, previous, find_quotes(previous[0] + " " + sentence))
    assert reading.text == "“We will not close the library this year,” Anneli Brask said."
    assert not reading.needs_previous


def test_an_opening_pronoun_is_never_a_place() -> None:
    """neus-val-234: "He" was read as "Texas Thursday", two capitalised words the sentence before
    names, in "President Trump is headed to Texas Thursday..."."""
    previous = [
        "President Trump is headed to Texas Thursday for a visit to the U.S.-Mexico border as he "
        "holds the line against Democrats on security."
    ]
    sentence = (
        "He will visit a U.S. Border Patrol station in McAllen and then head to the Rio Grande."
    )
    reading = stand_alone(sentence, previous, [])
    assert reading.text == sentence
    assert reading.needs_previous
