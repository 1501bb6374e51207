"""The benchmark rubrics load, validate and score hand-written answers as their mark schemes say."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from grader import grade, load_rubric
from grader.evaluation.metrics import exact_agreement, quadratic_weighted_kappa
from grader.rubric import check_rubric

ROOT = Path(__file__).resolve().parents[2]
RUBRICS = ROOT / "benchmarks" / "rubrics"
DATA = ROOT.parent / "shared" / "benchmarks"
POWERGRADING = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 20]


def score(name: str, text: str) -> float:
    return grade(text, load_rubric(RUBRICS / f"{name}.yaml")).score.marks


def test_every_benchmark_rubric_is_present_and_valid():
    expected = {f"asap-sas-{n}.yaml" for n in (1, 2, 5, 6)} | {
        f"powergrading-q{q}.yaml" for q in POWERGRADING}
    assert expected <= {p.name for p in RUBRICS.glob("*.yaml")}
    for path in sorted(RUBRICS.glob("*.yaml")):
        assert check_rubric(path) == [], path.name


@pytest.mark.parametrize("name", ["asap-sas-1", "asap-sas-2", "asap-sas-5", "asap-sas-6"])
def test_asap_rubrics_score_on_the_0_to_3_scale(name):
    report = grade("I do not know.", load_rubric(RUBRICS / f"{name}.yaml"))
    assert report.score.marks == 0
    assert report.score.max_marks == 3
    assert all(f.max_marks == 1 for f in report.factors)


def test_set5_four_steps_score_3_three_score_2_one_scores_1():
    four = ("The mRNA leaves through a nuclear pore and travels to a ribosome. The ribosome "
            "reads the bases three at a time as codons. A tRNA with the matching anticodon "
            "brings its amino acid, and the amino acids are joined by peptide bonds.")
    assert score("asap-sas-5", four) == 3
    three = ("The mRNA leaves through a nuclear pore and travels to a ribosome. The ribosome "
             "reads the bases three at a time as codons.")
    assert score("asap-sas-5", three) == 2
    assert score("asap-sas-5", "The mRNA moves to the ribosome in the cytoplasm.") == 1
    assert score("asap-sas-5", "The cell divides by mitosis and then meiosis.") == 0


def test_set6_processes_must_be_described_not_just_named():
    described = ("Osmosis is the movement of water across the membrane. Active transport uses "
                 "energy to move molecules from low to high concentration. In endocytosis the "
                 "membrane folds in and engulfs large particles into the cell.")
    assert score("asap-sas-6", described) == 3
    assert score("asap-sas-6", "Osmosis, diffusion and active transport.") == 0
    assert score("asap-sas-6", "Diffusion moves molecules from high to low concentration "
                               "without using energy.") == 1


def test_set2_conclusion_group_caps_at_one_and_improvements_at_two():
    full = ("Plastic B stretched the most and plastic A stretched the least. The student "
            "should run more trials, and should measure the length of each sample before "
            "stretching it.")
    assert score("asap-sas-2", full) == 3
    improvements_only = ("They should do more trials and make the samples the same thickness.")
    assert score("asap-sas-2", improvements_only) == 2
    conclusion_only = "Plastic B stretched the most and plastic A stretched the least."
    assert score("asap-sas-2", conclusion_only) == 1
    three_improvements = ("Do more trials, use samples of equal thickness, and state how many "
                          "weights were added each time.")
    assert score("asap-sas-2", three_improvements) == 2


def test_set1_counts_pieces_of_information_up_to_three():
    assert score("asap-sas-1", "You would need to know how much vinegar to pour.") == 1
    assert score("asap-sas-1", "I need the amount of vinegar, the type of vinegar, the size "
                               "of the containers and how long to rinse each sample.") == 3


@pytest.mark.parametrize("q,right,wrong", [
    (1, "They are called the BILL OF RIGHTS", "the constitution"),
    (2, "the freedom to assemble", "the right to bear arms"),
    (3, "It cut our ties with Britain", "gave everybody rights"),
    (4, "capitalism", "democracy"),
    (5, "the judiciary", "the senate"),
    (6, "the house and the senate", "the supreme court"),
    (7, "those states are more populous", "they are bigger"),
    (8, "the House Speaker", "the secretary of state"),
    (9, "it can declare war", "build roads"),
    (10, "run the schools", "print money"),
    (13, "to worship freely", "to find gold"),
    (20, "one for each of the thirteen first colonies", "for good luck"),
])
def test_powergrading_paraphrases_accepted_wrong_answers_not(q, right, wrong):
    assert score(f"powergrading-q{q}", right) == 1
    assert score(f"powergrading-q{q}", wrong) == 0
    assert grade(right, load_rubric(RUBRICS / f"powergrading-q{q}.yaml")).score.max_marks == 1


def _accuracy_module():
    spec = importlib.util.spec_from_file_location("bench_accuracy",
                                                  ROOT / "benchmarks" / "accuracy.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_accuracy"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_accuracy_script_exits_cleanly_without_data(tmp_path, capsys):
    assert _accuracy_module().main(["--data", str(tmp_path / "absent")]) == 0
    assert "not found" in capsys.readouterr().out


# Floors a little under the figures measured on the whole train files
# (see "Scoring rules" in README.md).
ASAP_FLOORS = {1: 0.68, 2: 0.58, 5: 0.70, 6: 0.70}


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/benchmarks is absent")
@pytest.mark.parametrize("set_no", sorted(ASAP_FLOORS))
def test_asap_sample_agreement_floor(set_no):
    mod = _accuracy_module()
    path = DATA / "asap-sas" / f"set{set_no}_train.tsv"
    rows = list(mod.read_tsv(path))
    sample = random.Random(set_no).sample(rows, 300)
    rubric = load_rubric(RUBRICS / f"asap-sas-{set_no}.yaml")
    human = [int(r["Score1"]) for r in sample]
    ours = [int(grade(r["EssayText"], rubric).score.marks) for r in sample]
    assert quadratic_weighted_kappa(human, ours, 0, 3) >= ASAP_FLOORS[set_no]


@pytest.mark.skipif(not DATA.is_dir(), reason="../shared/benchmarks is absent")
def test_powergrading_sample_accuracy_floor():
    mod = _accuracy_module()
    rows = list(mod.read_tsv(DATA / "powergrading" / "powergrading_dev.tsv"))
    sample = random.Random(0).sample(rows, 500)
    truth, ours = [], []
    for r in sample:
        truth.append(mod.majority(int(r["G1"]), int(r["G2"]), int(r["G3"])))
        ours.append(int(score(f"powergrading-q{r['Q#']}", r["answer"])))
    assert exact_agreement(truth, ours) >= 0.95


def test_set1_amount_of_sample_is_not_its_size_and_acid_rain_is_not_vinegar():
    # the procedure records each sample's mass, so "how much of each sample" is no new piece
    assert score("asap-sas-1", "You need to know how much of each sample to use.") == 0
    assert score("asap-sas-1", "You need the size of each sample.") == 1
    assert score("asap-sas-1", "Where does the acid rain come from? What is its acidity?") == 0


def test_set2_naming_different_plastics_is_no_conclusion():
    assert score("asap-sas-2", "The student should name the different plastics.") == 0
    assert score("asap-sas-2", "The different plastics stretched different amounts.") == 1


def test_set6_selective_permeability_needs_selective_or_semi():
    assert score("asap-sas-6", "The membrane is permeable which allows things through.") == 0
    assert score("asap-sas-6", "The membrane is semi-permeable, so only certain molecules "
                               "can pass.") == 1
