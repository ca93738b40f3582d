"""Entity tags: names from the recogniser, normalised, with their kinds; what is never a tag."""

import numpy as np

from gazette.records import SourceArticle
from gazette.tag import tag_story
from gazette.tag.entities import extract_entities, report_entities, title_case
from gazette.tag.headlines import sentence_cased
from gazette.tag.topics import detect_topics


def names(texts: list[str]) -> dict[str, str]:
    return {e.name: e.kind for e in extract_entities(texts)}


def test_aliases_and_corporate_suffixes_fold_into_one_name() -> None:
    found = extract_entities(
        [
            "Nvidia Corp. said on Monday that it will build a plant in the U.S. soon.",
            "The United States will get a new plant from Nvidia, chief executive Jen Park said.",
            "Analysts said Nvidia expects US sales to grow.",
        ]
    )
    by_name = {e.name.casefold(): e for e in found}
    assert len(by_name["nvidia"].sources) == 3
    assert by_name["jen park"].kind == "person"  # a title before the name outweighs "Park"
    assert len(by_name["united states"].sources) == 3
    assert "u.s" not in by_name and "us" not in by_name and "nvidia corp" not in by_name


def test_surnames_fold_into_the_full_name_and_kinds_come_from_names_and_titles() -> None:
    found = names(
        [
            "Mayor Ilse Varga opened the bridge in Elmstead on Wednesday.",
            "Varga said the Port Calder Transit Union had been invited to talks.",
        ]
    )
    assert found["Ilse Varga"] == "person"
    assert "Varga" not in found
    assert found["Elmstead"] == "place"
    assert found["Port Calder Transit Union"] == "organisation"  # an institution's head noun
    assert "Wednesday" not in found


def test_a_title_case_headline_gives_no_run_on_names() -> None:
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                (
                    "Trump Declares That Airspace Around Venezuela Should Be Considered Closed",
                    "President Donald Trump said on Saturday that the airspace over Venezuela "
                    "should be treated as closed.",
                )
            ]
        )
    }
    assert found.get("Donald Trump") == "person" and found.get("Venezuela") == "place"
    assert all(len(name.split()) <= 3 for name in found)
    assert title_case("Trump Declares That Airspace Around Venezuela Should Be Closed")
    assert not title_case("Trump declares that the airspace around Venezuela is closed")


def test_datelines_and_descriptions_that_repeat_the_title_are_not_read() -> None:
    found = {
        e.name
        for e in report_entities(
            [
                (
                    "Iran says talks with France go on",
                    "TEHRAN, Aug. 11 (MNA) – Iran's foreign minister said talks with France "
                    "would continue next week in Geneva.",
                ),
                (
                    "Karoline Leavitt quits as Trump's press secretary",
                    "Karoline Leavitt quits as Trumps press secretary",
                ),
            ]
        )
    }
    assert {"Iran", "France", "Karoline Leavitt"} <= found
    assert "MNA" not in found and "TEHRAN" not in found
    assert not any("Trumps" in name for name in found)


def test_story_tags_need_two_independent_sources() -> None:
    sources = [
        SourceArticle(
            "1",
            "Bank of Vestria raises rates",
            "The Bank of Vestria raised its rate, governor Tomas Reinholt said. "
            "Inflation stays high in Lindqvist.",
        ),
        SourceArticle(
            "2",
            "Rates rise",
            "Governor Tomas Reinholt of the Bank of Vestria said inflation was too high.",
        ),
        SourceArticle(
            "3",
            "Rates rise again",
            "The Bank of Vestria raised its rate, governor Tomas Reinholt said.",
            copy_of="1",
        ),
    ]
    tags = {t.name: t.kind for t in tag_story(sources)}
    assert tags["Bank of Vestria"] == "organisation"
    assert tags["Tomas Reinholt"] == "person"
    assert "Lindqvist" not in tags  # only one independent source mentions it
    assert tags.get("Economy") == "topic"


def test_topics_need_half_of_the_sources() -> None:
    assert detect_topics(
        ["The strike by the union over wages.", "Workers walked out.", "Rain fell."]
    ) == ["Labour"]


def test_the_gazetteer_settles_places_the_recogniser_misreads_or_misses() -> None:
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                ("Pilgrims gather in Mashhad for the holy day", ""),
                ("More than 40 dead after a ferry capsizes on Zimbabwe's Lake Kariba", ""),
                ("Major grain terminals hit in Ukraine Black Sea port attack", ""),
            ]
        )
    }
    assert found["Mashhad"] == "place"  # the recogniser alone calls it a person
    assert found["Zimbabwe"] == "place"
    assert found["Ukraine"] == "place" and found["Black Sea"] == "place"
    assert "Ukraine Black Sea" not in found


def test_states_and_provinces_of_every_country_are_places() -> None:
    from gazette.lexicon.gazetteer import known_place, town_names

    found = {
        e.name: e.kind
        for e in report_entities(
            [
                ("For every Rs 100 an average Indian gets in taxes, Tamil Nadu gets Rs 67", ""),
                ("The chief minister of Andhra Pradesh is building a new capital", ""),
            ]
        )
    }
    assert found.get("Tamil Nadu") == "place"  # the recogniser alone calls it a person
    assert found.get("Andhra Pradesh") == "place"  # and this an organisation
    assert known_place("Karnataka") is None and "karnataka" in town_names()  # one word: confirms
    assert known_place("Tata") is None  # a Moroccan province, and a company: never settles


def test_common_words_things_and_events_are_never_tags() -> None:
    found = {
        e.name
        for e in report_entities(
            [
                ('"Uncle, teach us," a girl of 15 takes on the system', ""),
                ("FCRA Bill sent to committee as India rejects the claims", ""),
                ("Nasa's Nancy Grace Telescope takes another step closer to launch", ""),
                ("Who were the officers behind Operation Safed Sagar?", ""),
                ("If you weren't worried about A.I., you should be now", ""),
                ("Putin visits disputed islands, drawing protest from Japan", ""),
                ("Strikes on civilian sites a breach of the Geneva Convention, Iran says", ""),
            ]
        )
    }
    assert not {"Uncle", "Bill", "Nancy Grace Telescope", "Operation Safed Sagar", "A.I"} & found
    assert "Geneva Convention" not in found  # a treaty, not the city
    assert {"Nasa", "Putin", "India", "Japan"} <= found  # names that open a headline stay


def test_a_common_word_is_told_from_a_name() -> None:
    from gazette.tag.entities import Mention, a_common_word

    opening = [Mention("Rejoin", "place", initial=True)]
    assert a_common_word("Focus", "place", [Mention("Focus", "place")])
    assert a_common_word("Rejoin", "place", opening)
    assert not a_common_word("Rejoin", "place", [Mention("Rejoin", "place")])
    assert not a_common_word("Google", "organisation", [Mention("Google", "organisation")])
    assert not a_common_word("WHO", "organisation", [Mention("WHO", "organisation")])
    assert not a_common_word("India", "place", [Mention("India", "place", initial=True)])


def test_known_people_fold_a_lone_surname_into_the_full_name_of_earlier_stories() -> None:
    from gazette.tag.entities import known_people

    people = known_people(["Donald Trump", "Ilse Varga", "Anna Berg", "Hanna Berg", "Iran"])
    assert people == {"trump": "Donald Trump", "varga": "Ilse Varga"}  # "Berg" is ambiguous
    reports = [("He was deported to Eswatini. He may never go free.", "Trump's officials agreed.")]
    found = {e.name: e.kind for e in report_entities(reports, people)}
    assert found.get("Donald Trump") == "person" and "Trump" not in found
    assert "Donald Trump" not in {e.name for e in report_entities(reports)}  # learnt, not known


def test_a_possessor_and_a_run_into_the_next_line_are_names_of_their_own() -> None:
    from gazette.tag.entities import split_names

    assert split_names("Trump's Press Secretary", "organisation") == ["Trump"]
    assert split_names("Zimbabwe's Lake Kariba", "place") == ["Zimbabwe", "Lake Kariba"]
    assert split_names("Elmstead\nPort Calder", "place") == ["Elmstead", "Port Calder"]
    assert split_names("Africa Roberto Mosquera", "place") == ["Africa"]


def test_story_context_settles_kinds_of_invented_names() -> None:
    sources = [
        SourceArticle(
            "1",
            "Coal exit law passes",
            "Vestria will stop burning coal by 2035, said Energy minister Sofia Lindahl. The "
            "Grauberg power station near Lindqvist will close. The Vestrian Union party objected.",
        ),
        SourceArticle(
            "2",
            "Parliament votes to close coal plants",
            "Vestria's parliament voted on Friday. Energy minister Sofia Lindahl said the "
            "Grauberg power station near Lindqvist will close by 2031.",
        ),
    ]
    tags = {t.name: t.kind for t in tag_story(sources)}
    assert tags["Vestria"] == "place"  # a demonym is made from it
    assert tags["Grauberg"] == "place"  # "power station" follows it: a facility
    assert tags["Lindqvist"] == "place"
    assert tags["Sofia Lindahl"] == "person"
    assert not {"Energy", "Coal", "Parliament"} & set(tags)  # a portfolio, lower-case words


def test_lower_case_words_after_a_name_say_what_it_names() -> None:
    from gazette.tag.entities import FACILITIES, _lower_case_tail

    assert _lower_case_tail("Lindqvist city council", "welcomed") == ("Lindqvist", "council")
    assert _lower_case_tail("Grauberg", "power") == ("Grauberg", "power")
    assert _lower_case_tail("Port Calder", "Mariners") == ("Port Calder", "")
    assert FACILITIES["council"] == FACILITIES["power"] == "place"


def test_a_name_seen_once_needs_support_unless_english_knows_it() -> None:
    from gazette.tag.entities import a_guess

    assert a_guess("Qusra") and a_guess("Xavi")
    assert not a_guess("Putin") and not a_guess("Google")
    assert not a_guess("LeT") and not a_guess("Port Calder")
    found = {e.name for e in report_entities([("Messi's team won the Golden Lantern", "")])}
    assert "Golden Lantern" not in found  # what is won is a prize


def test_a_known_place_inside_a_persons_name_is_neither_folded_nor_found() -> None:
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                (
                    "Israel vows to keep troops in Lebanon",
                    "Israeli defence minister Israel Katz said Israel would not withdraw.",
                ),
                ("How Nigel Farage Ended Up Running in Clacton", "Nigel Farage forced a vote."),
                ("This Toyota Hilux rival will make its debut tomorrow", ""),
            ]
        )
    }
    assert found["Israel Katz"] == "person" and found["Israel"] == "place"
    assert found["Nigel Farage"] == "person" and "Nigel" not in found  # a town in South Africa
    assert found.get("Toyota") != "place"  # a city of 400,000 does not settle a kind


def test_a_name_that_opens_a_sentence_taken_up_by_a_pronoun_is_a_person() -> None:
    texts = [
        "Ines Calloway won best actress for her role as the eldest sister.",
        "Ines Calloway won best actress for her role in the film.",
    ]
    found = {e.name: e.kind for e in extract_entities(texts)}
    assert found.get("Ines Calloway") == "person"
    paragraphs = [f"The jury met on Saturday.\n\n{text}" for text in texts]  # a new paragraph
    assert {e.name: e.kind for e in extract_entities(paragraphs)}.get("Ines Calloway") == "person"
    reports = [("Lindqvist Forge lose the final", "Port Calder Mariners won the cup.")]
    assert "Port Calder Mariners" not in {
        e.name for e in report_entities(reports) if e.kind == "person"
    }


def test_a_name_with_kin_is_a_person() -> None:
    found = {
        e.name: e.kind
        for e in report_entities(
            [("Something was not right: Sushant Singh Rajput's sister repeats her claim", "")]
        )
    }
    assert found.get("Sushant Singh Rajput") == "person"  # the recogniser alone: organisation


def test_the_tag_stage_learns_full_names_from_the_tags_it_stored(database) -> None:  # type: ignore[no-untyped-def]
    from gazette.db.models import Tag as TagRow
    from gazette.tag.stage import _known_people

    with database.session() as session:
        for name, kind in [
            ("Donald Trump", "person"),
            ("Trump", "place"),  # a one-word tag an earlier version got wrong teaches nothing
            ("Bank of Vestria", "organisation"),
            ("Ilse Varga", "person"),
        ]:
            session.add(TagRow(slug=name.lower().replace(" ", "-"), name=name, kind=kind))
        session.flush()
        assert _known_people(session) == {"trump": "Donald Trump", "varga": "Ilse Varga"}


def test_a_title_before_one_rare_word_makes_a_person() -> None:
    found = {e.name: e.kind for e in report_entities([("Iran is strong: FM Araghchi", "")])}
    assert found.get("Araghchi") == "person"  # the recogniser alone passes it over
    found = {e.name for e in report_entities([("Minister Says Rates Will Rise", "")])}
    assert "Says" not in found


def test_a_title_case_headline_keeps_names_whose_words_say_what_they_are() -> None:
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                (
                    "More Than 40 Dead After a Ferry Capsizes on Zimbabwe's Lake Kariba",
                    "The vessel was crowded far beyond capacity, the police said.",
                ),
                (
                    "He Was Deported to Eswatini in Southern Africa. He May Never Go Free.",
                    "Some find themselves imprisoned with no way out.",
                ),
            ]
        )
    }
    assert found.get("Lake Kariba") == "place"  # a place noun before it, not in the text
    assert found.get("Southern Africa") == "place"  # a part of a known place
    assert "Dead" not in found and "Ferry" not in found and "Free" not in found


def test_head_nouns_say_an_institution_or_a_landmark() -> None:
    from gazette.tag.entities import kind_cue

    assert kind_cue("Polisario Front", "") == "organisation"
    assert kind_cue("Tata Sons", "") == "organisation"
    assert kind_cue("Border Security Directorate", "") == "organisation"
    assert kind_cue("Golan Heights", "") == "place"
    assert kind_cue("Gaza Strip", "") == "place"
    assert kind_cue("East Java", "") is None  # not a known place: no compass cue
    assert kind_cue("Western Europe", "") == "place"
    assert kind_cue("Karoline Leavitt", "") is None


def test_a_middle_initial_names_the_same_person() -> None:
    from gazette.tag.entities import Mention, entities_from

    story = [[Mention("Elijah E. Cummings", "person")], [Mention("Elijah Cummings", "person")]]
    assert [(e.name, e.sources) for e in entities_from(story)] == [("Elijah Cummings", {0, 1})]
    known = entities_from([[Mention("Donald J. Trump", "person")]], {"trump": "Donald Trump"})
    assert [e.name for e in known] == ["Donald Trump"]
    alone = entities_from([[Mention("Michael J. Fox", "person")]])
    assert [e.name for e in alone] == ["Michael J. Fox"]  # nothing to fold into
    bushes = ("George W. Bush", "George H. W. Bush", "George Bush")
    presidents = entities_from([[Mention(name, "person")] for name in bushes])
    assert len(presidents) == 3  # initials that differ: two people, neither folded
    place = entities_from(
        [[Mention("Trinidad y Tobago", "place")], [Mention("Trinidad Tobago", "place")]]
    )
    assert len(place) == 2  # only people, and only capital initials


def test_what_belongs_to_an_institution_is_cut_from_its_name() -> None:
    from gazette.tag.entities import without_a_thing_of_it

    assert without_a_thing_of_it("Karnataka Assembly Canteen", "organisation") == (
        "Karnataka Assembly"
    )
    assert without_a_thing_of_it("Premier League Club", "organisation") == "Premier League Club"
    assert without_a_thing_of_it("Vestria Police Station", "place") == "Vestria Police Station"
    assert without_a_thing_of_it("Sweida, Fears a Government Takeover", "organisation") == (
        "Sweida, Fears a Government Takeover"
    )


def test_a_title_case_headline_taken_up_by_a_pronoun_makes_no_person() -> None:
    headline = "Trump Loses String of Election Lawsuits, Leaving Few Vehicles to Fight His Defeat"
    text = "President Trump suffered legal setbacks in three swing states on Friday."
    found = {e.name for e in report_entities([(headline, text)])}
    assert "Trump Loses String" not in found and "Trump" in found


def test_a_former_members_body_is_named_without_ex() -> None:
    found = {
        e.name
        for e in report_entities(
            [("Ex-FBI lawyer Lisa Page speaks out", "Lisa Page, once of the FBI, spoke on Monday.")]
        )
    }
    assert "FBI" in found and "Ex-FBI" not in found


def test_a_title_in_the_name_or_a_middle_initial_says_a_person() -> None:
    from gazette.tag.entities import kind_cue

    assert kind_cue("Count Binface", "") == "person"
    assert kind_cue("Sheikh Hasina", "") == "person"
    assert kind_cue("Gaurav C Sawant", "") == "person"
    assert kind_cue("Queen Mary University", "") == "organisation"  # its head noun first
    assert kind_cue("Prince Edward Island", "") == "place"
    # Words English uses after the title, a title in capitals, a letter that names a thing.
    for name in ("Dr Pepper", "Duke Energy", "DR Congo", "MS Teams"):
        assert kind_cue(name, "") is None, name
    for name in ("Gen Z Voters", "Formula E Championship", "Plan B Campaign"):
        assert kind_cue(name, "") is None, name
    found = {
        e.name: e.kind
        for e in report_entities(
            [("Farage runs in Clacton", "His main challenger is Count Binface, a novelty act.")]
        )
    }
    assert found.get("Count Binface") == "person"


def test_a_headline_full_of_names_is_not_in_title_case() -> None:
    assert not title_case("If Messi can do it, why can't Kohli, Rohit? Harbhajan backs duo")
    assert not title_case("Watch: Why was Trump smuggled out of Air Force One in a catering truck?")
    assert title_case("Trump Declares That Airspace Around Venezuela Should Be Considered Closed")


def test_a_title_case_headline_of_inflected_words_is_told() -> None:
    """Inflections ("Urges", "Watchers") are rarer than their words but no more names."""
    headline = "Spain Urges Eclipse Watchers to Be Wary of Wildfire Risks"
    assert title_case(headline)
    found = {e.name for e in report_entities([(headline, "")])}
    assert found == {"Spain"}


def test_a_title_case_headline_lowers_each_part_of_a_hyphenated_word() -> None:
    headline = "Driver Sets Record for Hydrogen-Powered Vehicle at More Than 406 M.P.H."
    assert sentence_cased(headline, "") == (
        "Driver sets record for hydrogen-powered vehicle at more than 406 M.P.H."
    )
    assert not report_entities([(headline, "")])
    assert "Delhi-NCR" in sentence_cased("Delhi-NCR Turns Humid as Monsoon Stalls", "")


def test_a_role_before_a_name_makes_a_person_and_after_it_no_name() -> None:
    found = names(
        [
            "A deleted video of Tamil star Vikram cuddling an endangered gibbon has triggered an "
            "inquiry into how the animal entered India.",
            "Activist Mahto seeks return to Jharkhand stir.",
            "Who is Joshua Kushner, the New Lakers Co-Owner?",
        ]
    )
    assert found.get("Vikram") == "person"  # the recogniser alone: "Tamil star Vikram", ORG
    assert found.get("Mahto") == "person" and "Activist Mahto" not in found
    assert not any(name.endswith("Co-Owner") for name in found)
    from gazette.tag.entities import a_role

    assert a_role("Uttarakhand CM") and not a_role("Toronto Star")


def test_a_name_in_capitals_is_never_a_person() -> None:
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                (
                    "Iran may keep war going until Trump's term ends, says IRGC adviser",
                    "Iran may keep war going until Trumps term ends says IRGC adviser",
                )
            ]
        )
    }
    assert found.get("IRGC") == "organisation"  # the recogniser alone: a person


def test_a_title_case_headline_does_not_hide_a_known_place_between_common_words() -> None:
    found = names(["The Man on a Mission to Build India's Most Livable City"])
    assert found.get("India") == "place"  # "Build" and "Most" are capitalised by title case
    assert "Nigel" not in names(["Nigel Farage wins the seat"])  # a rare word touches it


def test_a_place_noun_of_a_name_is_one_place() -> None:
    found = names(["Monsoon gets new life: Bay of Bengal system moves in, rain deficit stays"])
    assert found.get("Bay of Bengal") == "place" and "Bengal" not in found


def test_names_of_no_one_body_and_nationalities_are_not_tags() -> None:
    from gazette.tag.names import a_demonym, a_generic_institution

    assert a_generic_institution("Parliament") and a_generic_institution("Foreign Ministry")
    assert a_generic_institution("Department of Environment")
    assert not a_generic_institution("White House") and not a_generic_institution("Congress")
    assert not a_generic_institution("Bank of Vestria")
    assert a_demonym("Ukrainian") and a_demonym("Pakistani") and a_demonym("Chinese")
    assert not a_demonym("Adani") and not a_demonym("Brian") and not a_demonym("Iran")
    reports = [
        ("Zelensky discusses drone deal", "The Ukrainian leader met Saudi Arabia's MBS."),
        ("Parliament erupts over rally", "Opposition members walked out of Parliament on Friday."),
    ]
    found = {e.name for e in report_entities(reports)}
    assert not {"Ukrainian", "Parliament"} & found


def test_a_surname_two_people_of_the_story_share_is_not_a_tag() -> None:
    reports = [
        (
            "How Raúl Castro's grandson became a power broker",
            "Raúl G. Rodríguez Castro is close to Raúl Castro. Castro has not spoken.",
        )
    ]
    found = {e.name for e in report_entities(reports)}
    assert "Castro" not in found and "Raúl Castro" in found


def test_a_name_that_opens_the_name_of_a_law_is_not_a_tag() -> None:
    found = {e.name for e in report_entities([("FCRA Bill sent to a committee", "")])}
    assert "FCRA" not in found and "FCRA Bill" not in found


def test_clauses_and_portfolios_in_capitals_are_not_tags() -> None:
    from gazette.tag.names import a_clause

    assert a_clause("Israeli Settlers Are Out of Control") and a_clause("DOESN'T")
    assert not a_clause("Save the Children") and not a_clause("Will Smith")
    assert not a_clause("Council on Foreign Relations") and not a_clause("US Army")
    reports = [
        (
            "Pakistani delegation in Tehran",
            "The delegation was headed by Interior Minister Mohsin Naqvi. Defense Secretary Pete "
            "Hegseth spoke later. Karoline Leavitt quits as Trump's Press Secretary.",
        )
    ]
    found = {e.name for e in report_entities(reports)}
    assert not {"Interior", "Defense"} & found
    assert "Trump" in found  # a possessor before a title in capitals is still a name


def test_a_persons_forms_across_a_story_are_one_tag() -> None:
    sources = [
        SourceArticle("1", "Donald Trump signs order on tariffs", "Signed on Monday.", outlet="A"),
        SourceArticle("2", "Trump signs tariff order", "President Trump spoke.", outlet="B"),
        SourceArticle("3", "President Trump orders tariffs", "Trump spoke there.", outlet="C"),
    ]
    people = [t.name for t in tag_story(sources) if t.kind == "person"]
    assert people == ["Donald Trump"]
    alone = [t.name for t in tag_story(sources[1:], {"trump": "Donald Trump"})]
    assert "Donald Trump" in alone and "Trump" not in alone and "President Trump" not in alone


def test_a_name_before_a_model_number_or_a_year_is_a_product_or_a_work() -> None:
    found = {e.name for e in report_entities([("Google Pixel 10 available on Amazon", "")])}
    assert "Pixel" not in found and "Amazon" in found
    found = {e.name for e in report_entities([("Batwara 1947 vs Awarapan 2: Shabana Azmi", "")])}
    assert "Batwara" not in found


def test_lines_in_another_script_and_a_head_noun_alone_give_no_tags() -> None:
    reports = [
        ("एक OTP से जानिए पूरी कॉल हिस्ट्री, बस करना होगा ये काम", "OTP"),
        ("राफेल के डर से PAK ने छुपा ली थी पूरी F-16 की फ्लीट", "PAK F"),
        ("Thailand Halts New Gun Permits After Mass Shooting at a School", "In Thailand, ..."),
    ]
    found = {e.name for e in report_entities(reports)}
    assert not {"OTP", "OTP से", "PAK", "School"} & found
    assert "Thailand" in found


def test_a_name_after_a_vessel_noun_is_a_ships() -> None:
    text = "The museum's centrepiece is the restored trawler Marta Lund, said director Hanna Berg."
    found = {e.name: e.kind for e in report_entities([("Museum reopens", text)])}
    assert "Marta Lund" not in found and found.get("Hanna Berg") == "person"


def test_initials_the_recogniser_passed_over_are_an_institution() -> None:
    found = names(["Students in Ranchi protest after JSSC postpones the recruitment exam again"])
    assert found.get("JSSC") == "organisation"  # the recogniser marks only Ranchi
    # Capitals that spell a word, a title or a unit are not initials of a body.
    found = names(["The CM said the price of rice will NOT rise above 50 rupees a KG this year."])
    assert not {"NOT", "CM"} & set(found)


def test_initials_fold_into_the_name_they_abbreviate() -> None:
    found = names(
        [
            "Vestria's Supreme Energy Regulation Council (SERC) met on Monday. "
            "The SERC said tariffs would rise.",
            "Tariffs will rise, the SERC said after the Supreme Energy Regulation Council met.",
        ]
    )
    assert found.get("Supreme Energy Regulation Council") == "organisation"
    assert "SERC" not in found


def test_a_title_case_headline_is_read_as_a_sentence_with_its_text() -> None:
    from gazette.tag.entities import sentence_cased

    assert (
        sentence_cased("ICE Plans to Give Officers Gloves That Can Deliver Electric Shocks", "")
        == "ICE plans to give officers gloves that can deliver electric shocks"
    )
    # Known places keep their capitals, with a compass word before one; so do words the text
    # writes with a capital inside a sentence.
    assert sentence_cased("He Was Deported to Southern Africa", "") == (
        "He was deported to Southern Africa"
    )
    assert sentence_cased("Why Sparks Left the Band", "The singer, Sparks said.") == (
        "Why Sparks left the band"
    )
    # A name the headline alone gives, found in its sentence reading.
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                (
                    "Ines Calloway Wins Best Actress for Her Role in the Film",
                    "The ceremony was held on Saturday.",
                )
            ]
        )
    }
    assert found == {"Ines Calloway": "person"}
    # Names are written as the headline writes them, whatever case the reading gave them.
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                (
                    "How Nigel Farage Ended Up Running Against a Rival in Clacton",
                    "The populist leader, whom Farage's allies back, forced a by-election.",
                )
            ]
        )
    }
    assert found.get("Nigel Farage") == "person" and "nigel Farage" not in found


def test_a_headline_ends_before_the_text_begins() -> None:
    # Without a full stop, the recogniser runs the headline's last name into the text's first
    # word ("London\nAhead": one organisation, and "Ahead" a tag).
    found = {
        e.name: e.kind
        for e in report_entities(
            [
                (
                    "Frenzy for eclipse glasses takes over London",
                    "Ahead of Wednesday's rare cosmic event, thousands are searching for eyewear.",
                )
            ]
        )
    }
    assert found == {"London": "place"}


def test_a_persons_initials_fold_into_the_person() -> None:
    found = names(
        [
            "Senator Marta Lund-Okafor (MLO) said on Monday she would run for governor.",
            "MLO told reporters in Vestria that she would decide soon.",
        ]
    )
    # Alone, a name in capitals is read as an institution's initials.
    assert found.get("Marta Lund-Okafor") == "person" and "MLO" not in found


def test_the_sentence_reading_of_a_headline_keeps_its_offsets() -> None:
    from gazette.tag.headlines import _lowered

    assert _lowered("Hydrogen-Powered") == "hydrogen-powered"
    assert _lowered("İnto") == "İnto"  # "İ".lower() is two characters: names would shift


def test_a_given_name_makes_a_person_of_a_name_the_recogniser_calls_a_place() -> None:
    from gazette.lexicon.people import a_persons_name

    text = "Mensah had equalised Emil Strand's opener before Jonas Achterberg scored the winner."
    found = {e.name: e.kind for e in report_entities([("Mariners end 28-year wait", text)])}
    assert found.get("Emil Strand") == "person"  # the recogniser alone: a facility
    assert a_persons_name("Emil Strand", "place")
    assert not a_persons_name("Forest City", "place")  # "Forest" is an English word
    assert not a_persons_name("Royal Enfield", "organisation")
    assert not a_persons_name("Tyson Foods", "organisation")  # its last word is a common one
    assert not a_persons_name("Chester Zoo", "place")
    assert not a_persons_name("Geneva Convention", "place")  # a place's name opens it
    assert not a_persons_name("Emil", "place")  # one word: no surname to go with it


def test_initials_the_text_spells_out_in_lower_case_words_are_no_organisation() -> None:
    from gazette.tag.names import spelled_out

    text = (
        "Its vaccine against respiratory syncytial virus (RSV) was 81 percent effective. "
        "For older adults, RSV is far more dangerous than most people realise, said Henrik Olsen."
    )
    found = {e.name for e in report_entities([("Sorrel Biotech vaccine results", text)])}
    assert "RSV" not in found and "Henrik Olsen" in found  # the recogniser alone: RSV an ORG
    assert spelled_out("exports of liquefied natural gas (LNG) rose") == {"LNG"}
    assert spelled_out("weapons of mass destruction (WMD)") == {"WMD"}
    assert spelled_out("RSV (respiratory syncytial virus) spreads") == {"RSV"}
    assert not spelled_out("The World Health Organization (WHO) said")  # a name's capitals


def test_the_shipped_topic_vectors_are_the_models_reading_of_the_descriptions(embedder) -> None:
    from gazette.tag.topics import description_vectors, topic_vectors

    names, shipped = topic_vectors()
    fresh = description_vectors(embedder)
    for row, name in zip(shipped, names, strict=True):
        assert np.allclose(row, fresh[name], atol=1e-4), name


def test_a_topic_keyword_in_another_sense_gives_no_topic(embedder) -> None:
    raid = [
        "Drone strike hits northern Iraq\nA drone hit a convoy near Erbil on Sunday, killing "
        "three militants, officials said."
    ]
    walkout = ["Rail workers strike over pay\nThe union said wages had fallen behind prices."]
    assert detect_topics(raid) == ["Labour"]  # the keyword alone
    assert "Labour" not in detect_topics(raid, embeddings=list(embedder.encode(raid)))
    assert "Labour" in detect_topics(walkout, embeddings=list(embedder.encode(walkout)))


def test_the_tag_stage_reads_the_stored_embeddings_for_topics(embedder) -> None:
    raid = SourceArticle(
        "7", "Drone strike hits northern Iraq", "A drone hit a convoy, killing three militants."
    )
    vectors = {"7": embedder.encode([f"{raid.title}. {raid.text}"])[0]}
    assert "Labour" in {t.name for t in tag_story([raid])}
    assert "Labour" not in {t.name for t in tag_story([raid], embeddings=vectors)}


def test_the_tag_stage_weighs_topics_by_the_embeddings_the_embed_stage_stored(
    sqlite_url: str, embedder
) -> None:
    from fight import START, add_ready
    from tagged import tags_of

    from gazette.cluster.stream import embedding_text
    from gazette.config import Settings
    from gazette.db import Database
    from gazette.db.models import Document, Story, StoryMember
    from gazette.db.states import StoryState
    from gazette.embedding import to_bytes
    from gazette.tag.stage import tag_step
    from gazette.work import StageContext

    settings = Settings(database_url=sqlite_url)
    database = Database(sqlite_url)
    database.migrate()
    raid = ("Drone strike hits northern Iraq", "A drone hit a convoy, killing three militants.")
    text = embedding_text(*raid, settings.cluster.lead_words)
    with database.transaction() as session:
        story = Story(state=StoryState.WRITTEN.value, first_report_at=START, last_report_at=START)
        session.add(story)
        session.flush()
        document = add_ready(session, "a", *raid, 0)
        document.embedding = to_bytes(embedder.encode([text])[0])
        session.add(
            StoryMember(document_id=document.id, story_id=story.id, similarity=1, reason="")
        )
        story_id, document_id = story.id, document.id

    def topics() -> set[str]:
        tag_step(StageContext(database, settings, None))
        return {name for _, name, kind in tags_of(database, story_id) if kind == "topic"}

    assert "Labour" not in topics()
    with database.transaction() as session:  # the same story with no embedding stored
        session.get(Document, document_id).embedding = None
        session.get(Story, story_id).state = StoryState.WRITTEN.value
    assert "Labour" in topics()  # the keyword alone
    database.dispose()
