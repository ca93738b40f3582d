"""What a source's text must lose, or be cut into, before its sentences are printed
(gazette/write/clean.py): page stamps are not sentences, and two quoted sentences the splitter
left in one piece are two."""

from __future__ import annotations

import pytest
from reports import source

from gazette.write.clean import is_clean
from gazette.write.compose import source_sentences


@pytest.mark.parametrize(
    "stamp",
    [
        "May 2, 2013 1: 35 pm.",  # 1_ecbplus printed it in the body, cited
        "Dec. 7, 2026, 09:47 UTC",
        "Saturday, August 24, 2013 9:29 PM",
    ],
)
def test_a_time_stamp_is_not_a_sentence(stamp: str) -> None:
    assert not is_clean(stamp)


def test_a_sentence_with_a_date_is_one() -> None:
    assert is_clean("On May 2, 2013, the council voted 7 to 2 in favour of the plan.")


def test_two_quoted_sentences_left_in_one_piece_are_two() -> None:
    """neus-val-6 printed both as one summary sentence: '...has failed to deliver.” “I’m John
    Hickenlooper, I am running for president...,” Mr. Hickenlooper said...'."""
    text = (
        "Former Colorado Gov. John Hickenlooper announced Monday he is running for president, "
        "saying he can bring “the progressive change that Washington has failed to deliver.” "
        "“I’m John Hickenlooper, I am running for president because we are facing a crisis,” "
        "Mr. Hickenlooper said in an announcement video. He co-founded a brewery in Denver "
        "before he entered politics."
    )
    printed = [text for _, text, _ in source_sentences(source("a", "A", "Hickenlooper runs", text))]
    assert printed[0].endswith("has failed to deliver.”")
    assert printed[1].startswith("“I’m John Hickenlooper, I am running")


GLUED = [
    (
        "Colts Clinch Playoff Berth With 31-24 Victory Against Jaguars Keiwan Ratliff scored on "
        "a 35-yard interception return last night as the Colts beat the Jaguars. The win "
        "clinched a playoff berth for the Colts, who trailed by seven points at the break.",
        "Keiwan Ratliff scored on a 35-yard interception return last night as the Colts beat "
        "the Jaguars.",
    ),
    (
        "Charges Filed In Parking Lot Drunken Hit-And-Run The Hennepin County Attorney filed "
        "criminal charges Friday against the driver. The charges were filed in a parking lot "
        "case after a drunken driver fled the scene.",
        "The Hennepin County Attorney filed criminal charges Friday against the driver.",
    ),
    (
        "Microsoft Releases Critical Patch For IE Zero Day Flaw Microsoft issued an emergency "
        "patch on Wednesday for the browser. The critical flaw lets attackers take over a "
        "computer, and the patch releases were rushed out.",
        "Microsoft issued an emergency patch on Wednesday for the browser.",
    ),
    (  # the title's last word is in the text in small letters, and a name follows it
        "Oscar Pistorius Charged With Murder Oscar Pistorius was charged on Friday with the "
        "murder of his girlfriend. He denies the murder he was charged with.",
        "Oscar Pistorius was charged on Friday with the murder of his girlfriend.",
    ),
    (
        "New York Governor Andrew Cuomo Resigns Amid Scandal Andrew Cuomo announced his "
        "resignation on Tuesday. The governor resigns amid a scandal over his conduct.",
        "Andrew Cuomo announced his resignation on Tuesday.",
    ),
]


@pytest.mark.parametrize(("text", "first_sentence"), GLUED)
def test_a_title_glued_to_the_first_sentence_is_set_apart(text: str, first_sentence: str) -> None:
    printed = [text for _, text, _ in source_sentences(source("a", "Outlet", "", text))]
    assert printed[0] == first_sentence


@pytest.mark.parametrize(
    "text",
    [
        # a sentence that opens with names, not a title
        "Tara Reid and Lindsay Lohan Checked In together, their representatives said. The "
        "actresses checked in on Monday.",
        "President Joe Biden Signed the bill into law on Friday, the White House said. Biden "
        "signed it at the White House.",
        "Police arrested two men on Friday after the raid. The men were charged on Saturday.",
        # neus-val-32, -38, -163, -299, -274, -104: a name, a rank, or capitals, not a title
        "The Centers for Disease Control and Prevention is conflating the results of two kinds "
        "of tests, experts said. The disease agency did not answer.",
        "AHEAD OF THE August 2015 Fox News debate, the company's chair issued a directive to the "
        "moderators. The debate drew record ratings.",
        "President Biden and Vice President Harris acknowledged a grim milestone on Monday, the "
        "White House said. Biden spoke at the White House.",
        "Former Vice President Joe Biden announced his support for impeachment on Wednesday, "
        "telling an audience that President Donald Trump mocks the Constitution. The president "
        "has attacked the former vice president for months.",
        "DOCUMENTS OBTAINED BY The Intercept contain new evidence about the laboratory, the "
        "outlet reported. The documents were released on Monday.",
        "Supreme Court Justice Ruth Bader Ginsburg died on Friday at age 87, the Court announced. "
        "She served on the court for 27 years as a champion of justice.",
        # ranks and offices go with the names after them, however often the text writes them
        # in small letters ("the president", "the vice president")
        "President Biden and Vice President Harris acknowledged a grim milestone on Monday. "
        "“We have to resist becoming numb to the sorrow,” the president said. Harris and the "
        "vice president spoke after the president.",
        "Prime Minister Boris Johnson and Deputy Prime Minister Dominic Raab met on Monday. The "
        "prime minister and the deputy prime minister talked.",
        "Secretary of State Mike Pompeo and Defense Secretary Mark Esper arrived on Monday. The "
        "secretary of state and the defense secretary spoke about defense.",
        "Former US President Trump said on Monday that he would run. The former president "
        "spoke in Ohio.",
        "Saudi Crown Prince Mohammed bin Salman ordered the release on Monday. The crown prince "
        "spoke.",
        "Senate Majority Leader McConnell and House Speaker Pelosi agreed on Monday. The "
        "majority leader and the speaker of the house spoke.",
    ],
)
def test_a_sentence_that_opens_with_names_keeps_them(text: str) -> None:
    first = text.split(". ")[0] + "."
    printed = [text for _, text, _ in source_sentences(source("a", "Outlet", "", text))]
    assert printed[0] == first
