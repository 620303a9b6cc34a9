from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms import grading

SINGLE = {
    "type": "single_choice",
    "options": [
        {"id": "a", "text": "A", "correct": True, "feedback": "ja"},
        {"id": "b", "text": "B", "correct": False, "feedback": "nee"},
    ],
}
MULTI = {
    "type": "multiple_choice",
    "options": [
        {"id": "a", "text": "A", "correct": True, "feedback": ""},
        {"id": "b", "text": "B", "correct": True, "feedback": ""},
        {"id": "c", "text": "C", "correct": False, "feedback": ""},
    ],
}
ORDER = {
    "type": "ordering",
    "items": [{"id": "1", "text": "x"}, {"id": "2", "text": "y"}, {"id": "3", "text": "z"}],
}
TF = {"type": "true_false", "correct": False, "feedback_true": "t", "feedback_false": "f"}


@pytest.mark.parametrize(
    ("question", "response", "code"),
    [
        (SINGLE, [], "not_an_object"),
        (SINGLE, {"option_ids": "a"}, "not_a_list"),
        (SINGLE, {"option_ids": []}, "no_option"),
        (SINGLE, {"option_ids": ["a", "a"]}, "duplicate_option"),
        (SINGLE, {"option_ids": ["zzz"]}, "foreign_option"),
        (SINGLE, {"option_ids": ["a", "b"]}, "exactly_one"),
        (TF, {"value": "yes"}, "not_boolean"),
        (ORDER, {"item_ids": ["1", "2"]}, "incomplete_order"),
        (ORDER, {"item_ids": ["1", "2", "2"]}, "incomplete_order"),
        ({"type": "scenario"}, {}, "not_gradable"),
    ],
)
def test_invalid_responses_are_refused_with_a_code(question, response, code):
    with pytest.raises(grading.InvalidResponse) as exc:
        grading.normalise_response(question, response)
    assert exc.value.code == code


def test_multiple_choice_needs_exactly_the_correct_set():
    def check(ids):
        return grading.is_correct(MULTI, grading.normalise_response(MULTI, {"option_ids": ids}))

    assert check(["b", "a"])
    assert not check(["a"])
    assert not check(["a", "b", "c"])


def test_feedback_reveals_answers_only_after_answering():
    feedback = grading.feedback(SINGLE, {"option_ids": ["b"]})
    assert feedback["correct"] is False
    assert [o["chosen"] for o in feedback["options"]] == [False, True]
    assert grading.feedback(TF, {"value": False})["feedback"] == "f"


@given(st.permutations(["1", "2", "3"]))
def test_ordering_is_correct_only_in_the_given_order(order):
    response = grading.normalise_response(ORDER, {"item_ids": list(order)})
    assert grading.is_correct(ORDER, response) == (list(order) == ["1", "2", "3"])


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=500))
def test_score_is_a_percentage_with_two_decimals(correct, total):
    correct = min(correct, total)
    score = grading.score_percent(correct, total)
    assert Decimal(0) <= score <= Decimal(100)
    assert score == score.quantize(Decimal("0.01"))


def test_pass_mark_boundary():
    assert grading.has_passed(grading.score_percent(7, 10), 70)
    assert not grading.has_passed(grading.score_percent(69, 100), 70)
    assert grading.score_percent(2, 3) == Decimal("66.67")


def test_nothing_asked_scores_nothing():
    assert grading.score_percent(0, 0) == Decimal("0.00")
    assert not grading.has_passed(grading.score_percent(0, 0), 1)
