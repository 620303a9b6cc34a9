"""Replace Wagtail's default welcome page with the programme's home page (Dutch locale)."""

from django.db import migrations

HOME_INTRO = (
    "Gratis e-learning en certificering voor professionals die signalen van mensenhandel "
    "willen herkennen en weten wat ze dan moeten doen."
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms", "HomePage")

    locale, _ = Locale.objects.get_or_create(language_code="nl")
    # Remove the default welcome page, keep the tree root.
    Page.objects.filter(depth=2, content_type__model="page",
                        content_type__app_label="wagtailcore").delete()
    if HomePage.objects.exists():
        return
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Samen tegen mensenhandel",
        draft_title="Samen tegen mensenhandel",
        slug="home",
        content_type=content_type,
        path=f"{root.path}0002",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        intro=HOME_INTRO,
        live=True,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True,
                        site_name="Samen tegen mensenhandel")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]
    operations = [migrations.RunPython(create_homepage, migrations.RunPython.noop)]
