import pytest

from grader.rubric.cues import CueError, compile_cue
from grader.text import Lexicon, build_document, make_entity


def lx() -> Lexicon:
    lexicon = Lexicon()
    lexicon.add(make_entity("lenin", "person", "Lenin", []))
    lexicon.add(make_entity("kirov", "person", "Kirov", []))
    lexicon.freeze()
    return lexicon


def texts(cue, text, lexicon=None):
    doc = build_document(text, lexicon or lx())
    return [doc.text[doc.tokens[h.first].start:doc.tokens[h.last - 1].end]
            for h in cue.find(doc)]


def test_alternatives_phrases_and_stems():
    cue = compile_cue("chief mourner|organise the funeral")
    assert texts(cue, "He was the chief mourner and organised a funeral.") == [
        "chief mourner", "organised a funeral"]


def test_no_article_is_skipped_after_a_number_or_an_ordinal():
    cue = compile_cue("second reactor|ban on factions")
    assert texts(cue, "Within seconds the reactor blew up. The second reactor was fine. "
                      "The ban on the factions held.") == ["second reactor", "ban on the factions"]


def test_prefix_words():
    cue = compile_cue("purg*")
    assert texts(cue, "The purging began; purges followed.") == ["purging", "purges"]


def test_entity_reference_and_co_occurrence_within_window():
    cue = compile_cue({"all": ["@lenin", "letter*|wish*"], "within": 5}, {"lenin", "kirov"})
    assert texts(cue, "Lenin's last letters warned the party.") == ["Lenin's last letters"]
    assert texts(cue, "Lenin was ill for a very long time before anybody read any letters.") == []


def test_about_rejects_someone_elses_funeral():
    cue = compile_cue({"phrase": "funeral", "about": ["@lenin"]}, {"lenin", "kirov"})
    assert texts(cue, "Lenin's funeral mattered.") == ["funeral"]
    assert texts(cue, "Kirov's funeral was grand.") == []
    assert texts(cue, "The funeral of Kirov was grand.") == []
    assert texts(cue, "The funeral was grand.") == ["funeral"]


def test_not_cancels_in_the_same_sentence():
    cue = compile_cue({"phrase": "purges", "not": ["mao"]})
    assert texts(cue, "Mao had purges too.") == []
    assert texts(cue, "The purges began.") == ["purges"]


@pytest.mark.parametrize("bad, message", [
    ("", "non-empty"),
    ("a||b", "empty alternative"),
    ("@", "lexicon id"),
    ("pu*", "too short"),
    ("fu*nny", "only end"),
    ({"all": ["one"]}, "at least two"),
    ({"phrase": "x", "all": ["a", "b"]}, None),
])
def test_bad_cues_are_refused_with_a_reason(bad, message):
    with pytest.raises(CueError) as exc:
        compile_cue(bad, {"lenin"})
    if message:
        assert message in str(exc.value)


def test_unknown_entity_is_named():
    with pytest.raises(CueError, match="@trotsky"):
        compile_cue("@trotsky", {"lenin"})


def test_ordered_all_needs_the_parts_in_the_order_written():
    cue = compile_cue({"all": ["trna", "bring*|carr*", "amino acid*"], "within": 8,
                       "ordered": True})
    assert texts(cue, "The tRNA brings an amino acid.") == ["tRNA brings an amino acid"]
    assert texts(cue, "The amino acids are what the tRNA brings.") == []
    assert texts(cue, "Amino acids bring the tRNA, and then tRNA carries amino acids.") == [
        "tRNA carries amino acids"]
    unordered = compile_cue({"all": ["trna", "bring*|carr*", "amino acid*"], "within": 8})
    assert texts(unordered, "The amino acids are what the tRNA brings.") != []


def test_ordered_all_within_counts_from_the_first_part():
    cue = compile_cue({"all": ["trna", "amino acid*"], "within": 3, "ordered": True})
    assert texts(cue, "tRNA with its amino acid.") == ["tRNA with its amino acid"]
    assert texts(cue, "tRNA goes a very long way to the amino acid.") == []


def test_a_part_label_is_not_a_mention_of_the_letter():
    cue = compile_cue({"all": ["b", "most"], "within": 6})
    assert texts(cue, "a) Plastic B stretched the most.") == ["B stretched the most"]
    assert texts(cue, "(B) They should use the most weight.") == []
    assert texts(cue, "B) They should use the most weight.") == []
    assert texts(cue, "The end. ^p b. They should use the most weight.") == []
    assert texts(cue, "A- B was the most.") == ["B was the most"]
    assert texts(cue, "The winner was B.") == []  # no "most": unrelated
    assert texts(compile_cue("b"), "The answer is B. B stretched.") == ["B", "B"]


def test_continues_lets_the_description_follow_in_a_sentence_that_points_back():
    spec = {"all": ["selectively permeable", "only|certain"], "within": 20}
    cue = compile_cue({**spec, "continues": True})
    two = "Membranes are selectively permeable. This means only certain molecules pass."
    assert texts(cue, two) == ["selectively permeable. This means only"]
    assert texts(compile_cue(spec), two) == []
    # a sentence that does not point back is another point
    assert texts(cue, "Membranes are selectively permeable. Only certain cells divide.") == []
    assert texts(cue, "Membranes are selectively permeable, only certain molecules pass.") == [
        "selectively permeable, only"]


def test_continues_after_a_heading_that_names_the_term():
    cue = compile_cue({"all": ["osmosis", "water"], "within": 12, "continues": True})
    assert texts(cue, "Osmosis. The movement of water across the membrane.") == [
        "Osmosis. The movement of water"]
    assert texts(cue, "Cells use osmosis all the time. The water is warm.") == []


def test_a_list_number_glued_to_a_word_is_not_the_number():
    cue = compile_cue({"all": ["codon*", "three|3"], "within": 8})
    assert texts(cue, "The codons are matched up on the strand3. It ends.") == []
    assert texts(cue, "The codons are read 3 at a time.") == ["codons are read 3"]
    assert texts(compile_cue("ribosome"), "It goes to the ribosome3. Then") == ["ribosome"]
    assert texts(cue, "Step 3: the codons are matched up.") == []
    assert texts(cue, "3) The codons are matched up.") == []
    assert texts(cue, "3 codons are matched up.") == ["3 codons"]


def test_a_closing_a_is_the_letter_and_other_articles_are_skipped():
    cue = compile_cue("plastic a|vitamin a")
    assert texts(cue, "Plastic A stretched least. Plastic B stretched most.") == ["Plastic A"]
    assert texts(cue, "The plastic stretched. Plastic type B was strongest.") == []
    assert texts(cue, "Carrots hold vitamin A.") == ["vitamin A"]
    assert texts(compile_cue("a plastic bag"), "She used the plastic bag.") == [
        "plastic bag"]


def test_a_caret_matches_the_start_of_a_sentence_or_list_item():
    lexicon = Lexicon()
    lexicon.add(make_entity("ribosome", "term", "ribosome", ["ribosomes"]))
    lexicon.freeze()
    cue = compile_cue({"all": ["^ goes|^ travels", "@ribosome"], "within": 8, "ordered": True},
                      {"ribosome"})
    assert texts(cue, "Goes to the ribosome.", lexicon) == ["Goes to the ribosome"]
    assert texts(cue, "1) leaves the cell 2) travels to a ribosome", lexicon) == [
        "travels to a ribosome"]
    assert texts(cue, "Step 2: goes to the ribosome.", lexicon) == ["goes to the ribosome"]
    assert texts(cue, "Leaves the nucleus - goes to the ribosomes.", lexicon) == [
        "goes to the ribosomes"]
    # not where the step has its own subject
    assert texts(cue, "The tRNA goes to the ribosome.", lexicon) == []
    assert texts(cue, "Then it goes to the ribosome.", lexicon) == []


def test_a_caret_may_only_open_an_alternative():
    with pytest.raises(CueError):
        compile_cue("goes ^ there")


def test_the_forms_of_be_match_each_other():
    cue = compile_cue("was there|is gone")
    assert texts(cue, "They were there. It was gone. He is there.") == [
        "were there", "was gone", "is there"]
