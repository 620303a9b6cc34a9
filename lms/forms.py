"""Forms that turn a learner's POST into the response shape `lms.services` grades. They validate
the shape only; the services check the answer against the attempt's snapshot."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

INVALID_OPTION = _("This option does not belong to the question.")


class AnswerForm(forms.Form):
    """An answer to one graded question, built from the question as the learner sees it."""

    def __init__(self, question: dict[str, Any], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        kind = question["type"]
        if kind == "single_choice":
            self.fields["option"] = forms.ChoiceField(
                choices=[(o["id"], o["text"]) for o in question["options"]],
                error_messages={
                    "required": _("Choose an option."),
                    "invalid_choice": INVALID_OPTION,
                },
            )
        elif kind == "multiple_choice":
            self.fields["option"] = forms.MultipleChoiceField(
                choices=[(o["id"], o["text"]) for o in question["options"]],
                error_messages={
                    "required": _("Choose at least one option."),
                    "invalid_choice": INVALID_OPTION,
                    "invalid_list": INVALID_OPTION,
                },
            )
        elif kind == "true_false":
            self.fields["value"] = forms.ChoiceField(
                choices=[("true", _("True")), ("false", _("False"))],
                error_messages={
                    "required": _("Choose true or false."),
                    "invalid_choice": _("Answer true or false."),
                },
            )
        elif kind == "ordering":
            places = [(str(n), str(n)) for n in range(1, len(question["items"]) + 1)]
            for item in question["items"]:
                self.fields[f"position-{item['id']}"] = forms.TypedChoiceField(
                    choices=places,
                    coerce=int,
                    error_messages={
                        "required": _("Give every item a place in the order."),
                        "invalid_choice": _("Choose a place from the list."),
                    },
                )

    def clean(self):
        # Form.clean() returns cleaned_data; the stubs allow None for overriding subclasses.
        super().clean()
        cleaned = self.cleaned_data
        if self.question["type"] == "ordering" and not self.errors:
            places = [cleaned[f"position-{item['id']}"] for item in self.question["items"]]
            if len(set(places)) != len(places):
                raise forms.ValidationError(
                    _("Give each item a different place in the order."), code="duplicate_place"
                )
        return cleaned

    def response(self) -> dict[str, Any]:
        """The response in the shape `lms.grading.normalise_response` expects."""
        kind = self.question["type"]
        data = self.cleaned_data
        if kind == "single_choice":
            return {"option_ids": [data["option"]]}
        if kind == "multiple_choice":
            return {"option_ids": list(data["option"])}
        if kind == "true_false":
            return {"value": data["value"] == "true"}
        items = self.question["items"]
        ordered = sorted(items, key=lambda item: data[f"position-{item['id']}"])
        return {"item_ids": [item["id"] for item in ordered]}

    def messages(self) -> list[str]:
        return [str(message) for errors in self.errors.values() for message in errors]


class ScenarioChoiceForm(forms.Form):
    scene = forms.CharField(max_length=100, error_messages={"required": _("Unknown scene.")})
    option = forms.CharField(max_length=100, error_messages={"required": _("Choose what you do.")})

    def messages(self) -> list[str]:
        return [str(message) for errors in self.errors.values() for message in errors]


class AttemptStartForm(forms.Form):
    """Start (or retake) a course, or choose the storyline after the shared introduction."""

    storyline = forms.TypedChoiceField(
        label=_("Storyline"),
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose one of the storylines.")},
    )

    def __init__(self, *args, storylines=(), required=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.storylines = list(storylines)
        cast(forms.ChoiceField, self.fields["storyline"]).choices = [
            (s.pk, s.title) for s in self.storylines
        ]
        # Starting an attempt may leave the storyline for after the introduction.
        self.fields["storyline"].required = required and bool(self.storylines)
        self.fields["storyline"].error_messages["required"] = _("Choose a storyline.")

    def chosen_storyline(self):
        chosen = self.cleaned_data.get("storyline")
        return next((s for s in self.storylines if s.pk == chosen), None)


class LessonDoneForm(forms.Form):
    """'Next' on a lesson: marks it done and adds the time since the page was shown."""

    shown = forms.CharField(required=False)
