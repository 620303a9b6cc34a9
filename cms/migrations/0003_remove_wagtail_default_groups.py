"""The platform's roles are exactly five groups (accounts.roles). Wagtail's default "Editors" and
"Moderators" groups and its default workflow on the root page would grant access outside them."""

from django.db import migrations


def remove_defaults(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    Group.objects.filter(name__in=["Editors", "Moderators"]).delete()
    WorkflowPage.objects.filter(workflow__name="Moderators approval").delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)


class Migration(migrations.Migration):
    dependencies = [("cms", "0002_create_homepage"), ("wagtailcore", "0098_apitoken")]
    operations = [migrations.RunPython(remove_defaults, migrations.RunPython.noop)]
