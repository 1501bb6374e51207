"""Worst-case grading cost: hostile essay shapes at 10 KB to 2 MB, in ms per 1,000 characters.

    python benchmarks/worst_case.py [--sizes 10k,100k,1m,2m] [--shapes long_word,...]
                                    [--rubric stalin-rise --rubric ww1-causes]
                                    [--target 2.0] [--give-up 60]

Each shape is graded through grader.grade() with the bundled rubrics and no CPU budget; the
figure is CPU time per 1,000 characters of essay. The process is set up as a gunicorn worker
is before it takes requests (grader.serving.freeze_startup_objects, after the word list and
the rubrics are loaded and one essay graded), so the garbage collector walks what grading
allocates, not the whole heap. Target: at most 2 ms per 1,000 characters
for every shape at every size (a 2 MB essay in 4 s), in the pure-Python build. A figure over
the target is marked OVER and makes the exit status 1. Once one size of a shape takes more
than --give-up seconds, its larger sizes are skipped (and counted as over the target).

Shapes: one long word; the model answer with no spaces; the same glued into one lower-case
word; dense dates and names (wrong years by the fact sheet's triggers); one sentence of
~100k words; a paragraph every 1-3 words; every rubric cue written out again and again;
mixed scripts (Cyrillic, CJK, Arabic, emoji, combining marks); dense numbers and punctuation;
words nobody has seen (random letters: every word new to the process).
"""

from __future__ import annotations

import argparse
import inspect
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from grader import Rubric, grade, load_rubric  # noqa: E402
from grader.corebuild import describe  # noqa: E402
from grader.rubric.cues import AllOf, Phrase  # noqa: E402
from grader.serving import freeze_startup_objects  # noqa: E402
from grader.text import english  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "2m": 2_000_000}


def _fill(unit: Callable[[random.Random], str], n: int, seed: int = 15) -> str:
    """Pieces from `unit` joined until the text holds `n` characters (cut to exactly `n`)."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n:
        piece = unit(rng)
        parts.append(piece)
        size += len(piece)
    return "".join(parts)[:n]


def _answer_words(rubric: Rubric) -> list[str]:
    return (rubric.model_answer or "the party congress voted against him in 1927").split()


def long_word(rubric: Rubric, n: int) -> str:
    return _fill(lambda rng: "".join(rng.choice("abcdefghijklmnopqrstuvwxyz")
                                     for _ in range(64)), n)


def no_spaces(rubric: Rubric, n: int) -> str:
    text = re.sub(r"\s+", "", rubric.model_answer or "Stalin.Lenin,1924")
    return _fill(lambda rng: text, n)


def glued_lower(rubric: Rubric, n: int) -> str:
    text = re.sub(r"[^a-z]", "", (rubric.model_answer or "stalinlenin").lower())
    return _fill(lambda rng: text, n)


def _names(rubric: Rubric) -> list[str]:
    names = [e.name for e in rubric.lexicon.entities.values() if e.kind == "person"]
    return names or ["Stalin"]


def _phrase_texts(cue: Phrase | AllOf, rubric: Rubric) -> list[str]:
    """Each alternative of a cue written out as plain words (entities by their names)."""
    phrases = cue.parts if isinstance(cue, AllOf) else [cue]
    out = []
    for p in phrases:
        for alt in p.alternatives:
            words = []
            for w in alt:
                if w.entity is not None:
                    ent = rubric.lexicon.entities.get(w.entity)
                    words.append(ent.name if ent else w.entity)
                elif not w.start:
                    words.append(w.norm + ("s" if w.prefix else ""))
            out.append(" ".join(words))
    return out


def dates_names(rubric: Rubric, n: int) -> str:
    triggers = [t for f in rubric.facts for c in f.checks if c.type == "date"
                for t in _phrase_texts(c.trigger, rubric)] or ["died"]
    verbs = [t for f in rubric.facts for c in f.checks if c.type == "date" and c.verbs
             for t in _phrase_texts(c.verbs, rubric)] or ["became"]
    names = _names(rubric)

    def sentence(rng: random.Random) -> str:
        return (f"{rng.choice(names)} {rng.choice(verbs)} the {rng.choice(triggers)} in "
                f"{rng.choice(['January ', '', 'May '])}{rng.randint(1900, 1950)} and "
                f"{rng.choice(names)} {rng.choice(triggers)} in {rng.randint(1900, 1950)}"
                f"{rng.choice(['. ', ', ', '; ', ' and then '])}")
    return _fill(sentence, n)


def one_sentence(rubric: Rubric, n: int) -> str:
    words = [re.sub(r"[.!?…]+", ",", w) for w in _answer_words(rubric)]
    return _fill(lambda rng: " ".join(words) + " ", n)


def paragraphs(rubric: Rubric, n: int) -> str:
    words = _answer_words(rubric)
    return _fill(lambda rng: " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
                 + "\n", n)


def every_cue(rubric: Rubric, n: int) -> str:
    cues = [c for f in rubric.factors for c in [*f.identify, *f.details, *f.links, *f.wrong]]
    cues += rubric.links
    cues += [p for f in rubric.facts for c in f.checks
             for p in (c.trigger, c.verbs, c.context, c.negative) if p is not None]
    text = ". ".join(t.capitalize() for c in cues for t in _phrase_texts(c, rubric)) + ". "
    return _fill(lambda rng: text, n)


_SCRIPTS = ["Сталин", "Троцкий", "Ленин", "революция", "斯大林", "列宁", "托洛茨基", "共产党",
            "ستالين", "لينين", "الثورة", "😀", "👩‍👩‍👧‍👦", "🇬🇧", "e\u0301", "a\u0308\u0301\u0323",
            "\u0301\u0301\u0301\u0301\u0301", "\u200f", "\u202e", "ﬁ", "Ⅻ", "①", "Ǆ", "1924年",
            "Stalin", "ÉCOLE", "naïve", "straße"]


def mixed_scripts(rubric: Rubric, n: int) -> str:
    return _fill(lambda rng: rng.choice(_SCRIPTS) + rng.choice([" ", " ", "", ". ", "\n"]), n)


_NUMBERS = ["1924", "1924-29", "1920s", "1,000,000", "3.14", "(12)", "£5", "50%", "#1", "...",
            "!!!", "???", "--", "—", "1917–1921", "2)", "a)", "Step 3:", "^p", "12th", "'s", "“",
            "”", "’", "*", "/", "&", "1st", "19", "-", ";", ":"]


def unknown_words(rubric: Rubric, n: int) -> str:
    """Words no dictionary and no rubric holds, each new: every one pays the first-contact
    work (stemming, the spelling-correction search, the glued-word check)."""
    def word(rng: random.Random) -> str:
        w = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
        return (w.capitalize() if rng.random() < 0.1 else w) + rng.choice([" ", " ", ". ", ", "])
    return _fill(word, n)


def numbers_punct(rubric: Rubric, n: int) -> str:
    return _fill(lambda rng: rng.choice(_NUMBERS) + rng.choice([" ", "", " ", ". "]), n)


SHAPES: dict[str, Callable[[Rubric, int], str]] = {
    "long_word": long_word, "no_spaces": no_spaces, "glued_lower": glued_lower,
    "dates_names": dates_names, "one_sentence": one_sentence, "paragraphs": paragraphs,
    "every_cue": every_cue, "mixed_scripts": mixed_scripts, "numbers_punct": numbers_punct,
    "unknown_words": unknown_words}


def _grade_unbudgeted(text: str, rubric: Rubric) -> None:
    if "budget" in inspect.signature(grade).parameters:
        grade(text, rubric, budget=0)  # 0: no budget (the cost itself is measured)
    else:
        grade(text, rubric)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k,1m,2m",
                    help=f"comma-separated, of {', '.join(SIZES)}")
    ap.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated shape names")
    ap.add_argument("--rubric", action="append", help="bundled id or file (repeatable; "
                    "default: stalin-rise and ww1-causes)")
    ap.add_argument("--target", type=float, default=2.0, help="ms per 1,000 characters")
    ap.add_argument("--give-up", type=float, default=60.0,
                    help="skip a shape's larger sizes once one takes longer (seconds)")
    args = ap.parse_args()
    sizes = [SIZES[s.strip()] for s in args.sizes.split(",")]
    shapes = [s.strip() for s in args.shapes.split(",")]
    rubrics = [load_rubric(r) for r in (args.rubric or ["stalin-rise", "ww1-causes"])]
    english.warm_up()
    for r in rubrics:
        grade(r.model_answer or "warm up", r)
    freeze_startup_objects()
    print(describe())
    print(f"{'rubric':<12} {'shape':<14} {'chars':>9} {'CPU s':>8} {'ms/1k chars':>12}")
    over = 0
    worst = 0.0
    for rubric in rubrics:
        for shape in shapes:
            skipped = False
            for n in sizes:
                if skipped:
                    print(f"{rubric.id:<12} {shape:<14} {n:>9} {'skipped':>8} {'':>12} OVER")
                    over += 1
                    continue
                text = SHAPES[shape](rubric, n)
                t0 = time.process_time()
                _grade_unbudgeted(text, rubric)
                spent = time.process_time() - t0
                per_k = spent * 1000 / (n / 1000)
                worst = max(worst, per_k)
                mark = " OVER" if per_k > args.target else ""
                over += bool(mark)
                print(f"{rubric.id:<12} {shape:<14} {n:>9} {spent:>8.2f} {per_k:>12.3f}{mark}",
                      flush=True)
                if spent > args.give_up:
                    skipped = True
    print(f"worst {worst:.3f} ms per 1,000 characters; {over} over the target of "
          f"{args.target} ms")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
