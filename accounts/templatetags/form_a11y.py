"""Render form widgets with their help text and error messages linked (aria-describedby)."""

from django import template

register = template.Library()


@register.simple_tag
def accessible_widget(field):
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if field.errors:
        attrs["aria-invalid"] = "true"
    css = {
        "select": "utrecht-select utrecht-select--html-select",
        "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
        "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
        "radio": "utrecht-radio-button utrecht-radio-button--html-input",
    }.get(field.widget_type, "utrecht-textbox utrecht-textbox--html-input")
    existing = field.field.widget.attrs.get("class", "")
    attrs["class"] = f"{existing} {css}".strip()
    return field.as_widget(attrs=attrs)
