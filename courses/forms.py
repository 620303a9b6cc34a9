"""The course page's admin form: number fields state their real range, and a course cannot be
its own prerequisite."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


def _limit(field, *, low: int, high: int | None, message) -> None:
    """Replace the form field's own bounds (a positive integer field allows 0, which says
    "at least 0") with the model's, in one message that names the whole range."""
    field.min_value, field.max_value = low, high
    field.validators = [
        v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
    ]
    field.validators.append(MinValueValidator(low, message=message))
    field.widget.attrs["min"] = low
    if high is not None:
        field.validators.append(MaxValueValidator(high, message=message))
        field.widget.attrs["max"] = high


class CoursePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "pass_mark" in self.fields:
            _limit(
                self.fields["pass_mark"],
                low=1,
                high=100,
                message=_("Enter a pass mark from 1 to 100 percent."),
            )
        if "max_attempts" in self.fields:
            _limit(
                self.fields["max_attempts"],
                low=1,
                high=None,
                message=_("Enter at least 1 attempt, or leave this empty for unlimited retakes."),
            )
        if "prerequisites" in self.fields:
            # Not the course itself, nor its versions in other languages (the same course).
            field = self.fields["prerequisites"]
            field.queryset = field.queryset.exclude(translation_key=self.instance.translation_key)
