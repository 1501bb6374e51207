"""Fact checks: wrong dates, people, places and claims; never a right or negated claim."""

import pytest

from grader import grade


def flags(text, rubric):
    return [(f.fact, f.kind, f.found) for f in grade(text, rubric).flags]


@pytest.mark.parametrize("text, fact, kind", [
    ("Lenin died in 1923 and the struggle began.", "F1", "wrong_date"),
    ("Trotsky was murdered by an agent in 1929.", "F17", "wrong_date"),
    ("Later Trotsky was shot in Moscow.", "F17", "wrong_place"),
    ("Socialism in One Country was Trotsky's policy.", "F9", "wrong_person"),
    ("Stalin introduced the NEP to help the peasants.", "F23", "wrong_person"),
    ("Trotsky gave a long speech at Lenin's funeral.", "F3", "contradiction"),
    ("Stalin did not attend Lenin's funeral.", "F4", "contradiction"),
    ("Bukharin was a leading member of the United Opposition.", "F13", "wrong_person"),
    ("At first Stalin allied with Trotsky against the others.", "F12", "wrong_person"),
    ("Lenin banned factions in 1918 to keep the party together.", "F14", "wrong_date"),
    ("In 1925 Trotsky was expelled from the party.", "F15", "wrong_date"),
    ("Kirov was assassinated in 1930.", "F20", "wrong_date"),
    ("Bukharin opposed the NEP from the start.", "F18", "contradiction"),
    ("Zinoviev and Kamenev published the Testament for everyone to read.", "F7",
     "contradiction"),
    ("In nineteen twenty-five Trotsky was thrown out of the party.", "F15", "wrong_date"),
    ("Trotsky was on holiday in the Crimea.", "F3", "wrong_place"),
    ("Stalin had an idea called Permanent Revolution.", "F11", "wrong_person"),
    ("Kamenev and Kirov hid the Testament.", "F7", "wrong_person"),
    ("Lenin wrote a will. It said Stalin should be the next leader.", "F6", "contradiction"),
    ("Zinoviev and Kamenev read the testament out to the delegates.", "F7", "contradiction"),
    ("The funeral was in February 1924.", "F2", "wrong_date"),
    ("Stalin had been General Secretary since 1917.", "F5", "wrong_date"),
    ("Although Lenin died in 1924, Trotsky was not expelled until 1929.", "F15", "wrong_date"),
    ("Stalin brought in the five year plans in 1924.", "F19", "wrong_date"),
    ("The Testament was mostly good about Stalin.", "F6", "contradiction"),
])
def test_errors_are_flagged(rubric, text, fact, kind):
    got = flags(text, rubric)
    assert (fact, kind) in [(f, k) for f, k, _ in got], got


@pytest.mark.parametrize("text", [
    "After Lenin died in 1924, Stalin turned against the NEP in 1928.",
    "Trotsky was resting in the Caucasus when Lenin died.",
    "Zinoviev and Kamenev hid the Testament from the party.",
    "Stalin hid the Testament from the party.",
    "In nineteen twenty-seven Trotsky was thrown out of the party.",
    "Lenin wrote a will. It said Stalin was too rude and should be removed.",
    "Trotsky was exiled to Alma-Ata in 1928 and deported in 1929.",
    "Stalin had been General Secretary since 1922.",
    "Trotsky was sent to Alma-Ata in 1928 and later expelled from the country altogether.",
    "Socialism in One Country came in 1924. He used the ban on factions that Lenin brought "
    "in in 1921.",
    "Then once Trotsky was weaker Stalin switched sides and teamed up with Bukharin instead.",
    "Then Stalin started arguing with the left of the party about the NEP.",
    "Trotsky did not come to the funeral. This made Stalin look like the natural heir.",
    "As General Secretary in 1923 Stalin appointed his friends to key posts.",
    "Since Stalin was General Secretary in 1925, he could appoint people.",
    "Trotsky did not attend the funeral.",
    "Trotsky said he was given the wrong date for the funeral.",
    "Some say Trotsky was told the wrong date.",
    "Trotsky was murdered in Mexico in 1940.",
    "Zinoviev was expelled in 1927 and shot in 1936.",
    "The show trials of 1936-38 killed Zinoviev, Kamenev and Bukharin.",
    "In the 1930s Stalin's Great Terror killed millions.",
    "Stalin became General Secretary in 1922 and used the post to promote allies.",
    "Trotsky attacked the party in 1923 and criticised him about the 1917 revolution.",
    "Zinoviev and Kamenev joined Trotsky in 1926 and all three were expelled in 1927.",
    "If the Testament had been published, Stalin would have lost his job.",
    "Stalin defeated the United Opposition of Trotsky, Zinoviev and Kamenev.",
    "Bukharin was against Stalin's plan to end the NEP.",
    "Kirov was murdered on 1 December 1934.",
    "Trotsky, who was in the Caucasus, missed Lenin's funeral in January 1924.",
    "Krupskaya, Lenin's widow, passed the Testament to the Central Committee in May 1924.",
    "After Lenin's death in 1924 Trotsky lost ground.",
])
def test_right_statements_are_not_flagged(rubric, text):
    assert flags(text, rubric) == []


def test_flag_carries_fact_expected_and_message(rubric):
    rep = grade("Lenin died in 1922, which surprised everyone.", rubric)
    (f,) = rep.flags
    assert f.fact == "F1" and f.found == "1922" and "1924" in f.expected
    assert "Lenin died in January 1924" in f.message and "1922" in f.message
    assert rep.flags[0].text == "Lenin died in 1922"


def test_a_year_binds_to_its_own_event(rubric):
    text = "In 1927 he killed Zinoviev and then in 1929 he killed Bukharin."
    got = grade("Stalin began the purges. " + text, rubric).flags
    assert [f.found for f in got] == ["1927", "1929"]
    assert all(f.fact == "F21" for f in got)


def test_a_new_clause_after_a_group_is_not_a_member_list(rubric):
    text = ("When Zinoviev and Kamenev joined Trotsky in the United Opposition, Stalin said "
            "they were a faction.")
    assert [f.fact for f in grade(text, rubric).flags] == []
    listed = "In 1923 there was a troika of Stalin, Bukharin and Kamenev against Trotsky."
    assert [(f.fact, f.found) for f in grade(listed, rubric).flags] == [("F12", "Bukharin")]


def review(text, rubric):
    return [(r.fact, r.text) for r in grade(text, rubric).review]


@pytest.mark.parametrize("text, fact", [
    ("Stalin abandoned the NEP in 1924 and began to industrialise.", "F19"),
    ("In 1925, Stalin abandoned the NEP.", "F19"),
    ("Then came the United Opposition, formed in 1924 by Trotsky, Zinoviev and Kamenev.",
     "F13"),
    ("Factions had been banned since 1918.", "F14"),
])
def test_a_wrong_year_tied_to_its_event_by_the_clauses_is_flagged(rubric, text, fact):
    assert fact in [f for f, _, _ in flags(text, rubric)]


@pytest.mark.parametrize("text, fact", [
    # the year is the relative clause's (Lenin's NEP), not Stalin's turn against it
    ("Later Stalin abandoned the NEP, which Lenin had brought in in 1921.", "F19"),
    # a bracketed year dates the name before it, not the next clause's event
    ("The trials removed Kamenev (1936) and Bukharin (1938), while the execution of "
     "Tukhachevsky in 1937 broke the army.", "F22"),
])
def test_a_year_that_may_belong_to_another_event_is_asked_about_not_flagged(rubric, text,
                                                                               fact):
    assert fact not in [f for f, _, _ in flags(text, rubric)]
    got = grade(text, rubric)
    assert all(fact != r.fact or "fact sheet says" in r.reason for r in got.review)


def test_review_items_say_what_to_check_and_corrections_carry_no_ids(rubric):
    got = grade("Later Stalin abandoned the NEP, which Lenin had brought in in 1921. "
                "Trotsky was murdered by an agent in 1929.", rubric)
    [item] = got.review
    assert item.fact == "F19" and "1921" in item.reason and "1928" in item.reason
    assert item.text in "Later Stalin abandoned the NEP, which Lenin had brought in in 1921."
    [flag] = got.flags
    assert flag.message == "Trotsky was murdered in Mexico by a Soviet agent in 1940, not 1929."
    assert "(F" not in " ".join([flag.message, *got.feedback.next_steps, got.feedback.summary])
    assert got.to_dict()["review"] == [{"fact": "F19", "start": item.start, "end": item.end,
                                        "text": item.text, "reason": item.reason}]


@pytest.mark.parametrize("text, fact", [
    ("Zinoviev and Kamenev stopped the Testament being read out to the party.", "F7"),
    ("Zinoviev and Kamenev refused to publish the Testament.", "F7"),
])
def test_a_blocked_event_is_a_negated_one(rubric, text, fact):
    assert fact not in [f for f, _, _ in flags(text, rubric)]


def test_a_blocking_verb_that_is_itself_negated_asserts_the_event(rubric):
    got = flags("Zinoviev and Kamenev did not stop the Testament being published.", rubric)
    assert "F7" in [f for f, _, _ in got]


def test_someone_the_members_fell_out_with_is_not_a_member(rubric):
    text = ("By then Zinoviev and Kamenev had fallen out with Stalin and joined Trotsky in the "
            "United Opposition.")
    assert "F13" not in [f for f, _, _ in flags(text, rubric)]
    assert "F13" in [f for f, _, _ in flags(
        "Stalin joined Trotsky in the United Opposition.", rubric)]


@pytest.mark.parametrize("text, fact", [
    ("After Lenin died, Stalin became General Secretary.", "F5"),
    ("Trotsky was deported, then expelled from the party.", "F15"),
    ("Trotsky was deported in 1929 and afterwards expelled from the party.", "F15"),
])
def test_events_told_in_the_wrong_order_are_flagged(rubric, text, fact):
    assert (fact, "wrong_order") in [(f, k) for f, k, _ in flags(text, rubric)]


@pytest.mark.parametrize("text", [
    "Stalin became General Secretary before Lenin died.",
    "As General Secretary after Lenin's death, Stalin appointed his allies.",
    "Trotsky was exiled after being expelled from the party.",
    "Trotsky was expelled from the party and later deported.",
    "Trotsky was sent to Alma-Ata in 1928 and, the following year, deported; Zinoviev "
    "and Kamenev were expelled in 1927.",
])
def test_the_right_order_is_not_flagged(rubric, text):
    assert "wrong_order" not in [k for _, k, _ in flags(text, rubric)]


def test_a_year_before_and_belongs_to_the_predicate_it_ends(rubric):
    """'expelled in 1927 and deported in 1929': 1927 is the expulsion's, not the
    deportation's."""
    assert flags("Trotsky was expelled from the party in 1927 and deported in 1929.",
                 rubric) == []
    assert ("F16", "wrong_date", "1925") in flags(
        "Trotsky was expelled in 1927 and deported in 1925.", rubric)


@pytest.mark.parametrize("text, fact, kind", [
    ("Lenin wrote a Testament. It said Stalin should be the next leader.", "F6",
     "contradiction"),
    ("Lenin said in his Testament that Stalin should be the next leader.", "F6",
     "contradiction"),
    ("Bukharin, who wanted to get rid of the NEP, lost.", "F18", "contradiction"),
    ("In 1921 Stalin banned factions.", "F14", "wrong_person"),
])
def test_what_a_document_says_and_who_banned_it_are_claims(rubric, text, fact, kind):
    assert (fact, kind) in [(f, k) for f, k, _ in flags(text, rubric)]


@pytest.mark.parametrize("text", [
    # "against" aimed at a person, not at the context
    "Bukharin and the Right defended the NEP against Stalin's plans.",
    # "he attacked him": "him" is not the man "he" is
    "Bukharin was angry with Stalin and he attacked him for wanting to keep the NEP.",
    # "1000s" is thousands, not a decade
    "After Lenin died 1000s of people came to Moscow.",
    # an opening "Had …," is an "if"
    "Had the Testament been published, Stalin would have lost his job.",
    # the longer words of another event win: this is the deportation, not the expulsion
    "Trotsky was expelled in 1927 and then thrown out of the USSR in 1929.",
])
def test_hypotheticals_and_other_events_are_not_flagged(rubric, text):
    assert flags(text, rubric) == []


def test_him_in_the_clause_of_he_is_someone_else():
    """In "he … him" of one clause, "him" is the person named before the one "he" is."""
    from grader.analysis.people import person_refs
    from grader.rubric import load_rubric
    from grader.text.document import build_document

    r = load_rubric("stalin-rise")
    doc = build_document("Trotsky met Stalin and he attacked him.", r.lexicon)
    refs = {doc.tokens[p.index].text: p.entities for p in person_refs(doc) if p.pronoun}
    assert refs == {"he": frozenset({"stalin"}), "him": frozenset({"trotsky"})}


def test_one_put_in_charge_is_not_who_put_him_there():
    from grader import parse_rubric

    rubric = parse_rubric("""
id: fire
title: The Great Fire
question: Why did the fire do so much damage?
lexicon:
  people:
    charles: {name: Charles II, aliases: [the King]}
    james: {name: James, aliases: [Duke of York]}
    pepys: {name: Samuel Pepys, aliases: [Pepys]}
factors:
  - {id: response, title: The response, marks: [0, 2, 4], identify: ["in charge"]}
facts:
  - id: G1
    statement: Charles II put his brother James in charge of fighting the fire
    checks:
      - {type: person, role: agent, trigger: "in charge", verbs: "put|placed|made",
         right: ["@charles"], expected: Charles II}
bands:
  - {band: 1, label: Any, min_marks: 0}
""")
    assert flags("Later the Duke of York was put in charge of the firefighting.", rubric) == []
    assert [f for f, _, _ in flags("Pepys put the Duke of York in charge.", rubric)] == ["G1"]


def test_each_idea_goes_to_the_one_named_nearest_before_it(rubric):
    assert flags("Stalin came up with Socialism in One Country and Trotsky came up with "
                 "Permanent Revolution.", rubric) == []


def test_these_things_do_not_point_back_to_an_event(rubric):
    assert flags("Stalin used his post as General Secretary. All of these things helped "
                 "Stalin to become the leader by 1929.", rubric) == []


@pytest.mark.parametrize("text, flagged", [
    ("Trotsky was not expelled until 1925.", True),
    ("Trotsky was not expelled until 1927.", False),
    ("Trotsky was not expelled in 1925.", False),
])
def test_not_until_a_year_dates_the_event(rubric, text, flagged):
    assert (("F15", "wrong_date") in [(f, k) for f, k, _ in flags(text, rubric)]) is flagged


@pytest.mark.parametrize("text, flagged", [
    ("Kirov was murdered on 3rd December.", True),
    ("Kirov was murdered on the 1st of December.", False),
    ("Lenin died on 21 February.", True),
    ("Lenin died on 21 January.", False),
])
def test_a_day_and_month_without_a_year_are_checked(rubric, text, flagged):
    got = [f for f, k, _ in flags(text, rubric) if k == "wrong_date"]
    assert bool(got) is flagged, got


def test_had_before_a_participle_is_not_owning():
    from grader import parse_rubric

    rubric = parse_rubric("""
id: rbmk
title: Chernobyl
question: Why did it happen?
factors:
  - {id: design, title: Design, marks: [0, 2, 4], identify: ["containment"]}
facts:
  - id: C1
    statement: The RBMK had no containment building
    event: had
    what: "containment building"
    happened: false
bands:
  - {band: 1, label: Any, min_marks: 0}
""")
    assert flags("The designers had also left out a containment building.", rubric) == []
    assert [f for f, _, _ in flags("The reactor had a containment building.", rubric)] == [
        "C1"]


def test_a_doer_after_by_the_is_read():
    from grader import parse_rubric

    rubric = parse_rubric("""
id: armada
title: The Armada
question: Why did it fail?
lexicon:
  people:
    medina: {name: Duke of Medina Sidonia, aliases: [Medina Sidonia]}
    parma: {name: Duke of Parma, aliases: [Parma]}
factors:
  - {id: leadership, title: Leadership, marks: [0, 2, 4], identify: ["command*"]}
facts:
  - id: A1
    statement: The Duke of Medina Sidonia commanded the Armada
    checks:
      - {type: person, role: agent, trigger: "armada", verbs: "commanded|led",
         right: ["@medina"], expected: Medina Sidonia}
bands:
  - {band: 1, label: Any, min_marks: 0}
""")
    assert [f for f, _, _ in flags("The Armada was commanded by the Duke of Parma.",
                                   rubric)] == ["A1"]
    assert flags("The Armada was commanded by the Duke of Medina Sidonia.", rubric) == []
