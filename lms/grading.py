"""Pure grading rules: no Django imports, so they are easy to test exhaustively."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)


class InvalidResponse(ValueError):
    """The response does not fit the question (unknown option, wrong shape). The argument is a
    code; lms.services turns it into a translated message."""

    @property
    def code(self) -> str:
        return str(self.args[0])


def _ids(response: dict[str, Any], key: str) -> list[str]:
    value = response.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidResponse("not_a_list")
    return value


def normalise_response(question: dict[str, Any], response: Any) -> dict[str, Any]:
    """Validate a learner's response against the question; return its canonical form."""
    if not isinstance(response, dict):
        raise InvalidResponse("not_an_object")
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        chosen = _ids(response, "option_ids")
        known = {o["id"] for o in question["options"]}
        if not chosen:
            raise InvalidResponse("no_option")
        if len(set(chosen)) != len(chosen):
            raise InvalidResponse("duplicate_option")
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise InvalidResponse("foreign_option")
        if kind == "single_choice" and len(chosen) != 1:
            raise InvalidResponse("exactly_one")
        return {"option_ids": sorted(chosen)}
    if kind == "true_false":
        value = response.get("value")
        if not isinstance(value, bool):
            raise InvalidResponse("not_boolean")
        return {"value": value}
    if kind == "ordering":
        order = _ids(response, "item_ids")
        expected = [i["id"] for i in question["items"]]
        if sorted(order) != sorted(expected):
            raise InvalidResponse("incomplete_order")
        return {"item_ids": order}
    raise InvalidResponse("not_gradable")


def is_correct(question: dict[str, Any], response: dict[str, Any]) -> bool:
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        correct = sorted(o["id"] for o in question["options"] if o["correct"])
        return response["option_ids"] == correct
    if kind == "true_false":
        return response["value"] == question["correct"]
    if kind == "ordering":
        return response["item_ids"] == [i["id"] for i in question["items"]]
    raise InvalidResponse("not_gradable")


def feedback(question: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    """What the learner sees after answering: correctness, per-option feedback, explanation."""
    kind = question["type"]
    result: dict[str, Any] = {
        "correct": is_correct(question, response),
        "explanation": question.get("explanation", ""),
    }
    if kind in ("single_choice", "multiple_choice"):
        result["options"] = [
            {
                "id": o["id"],
                "text": o["text"],
                "correct": o["correct"],
                "feedback": o["feedback"],
                "chosen": o["id"] in response["option_ids"],
            }
            for o in question["options"]
        ]
    elif kind == "true_false":
        result["correct_value"] = question["correct"]
        result["feedback"] = question["feedback_true" if response["value"] else "feedback_false"]
    elif kind == "ordering":
        result["correct_order"] = [{"id": i["id"], "text": i["text"]} for i in question["items"]]
    return result


def score_percent(correct: int, total: int) -> Decimal:
    """Percentage of correct answers, two decimals, rounded half up; 0 when nothing was asked
    (no questions is never a pass)."""
    if total <= 0:
        return Decimal("0.00")
    return (Decimal(correct) * HUNDRED / Decimal(total)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def has_passed(score: Decimal, pass_mark: int) -> bool:
    return score >= Decimal(pass_mark)
