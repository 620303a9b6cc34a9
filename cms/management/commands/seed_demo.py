from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import ProfessionalRole, Region, Sector
from accounts.taxonomy import seed_professional_roles, seed_taxonomies
from cms.demo import (
    DEMO_ORGANISER_EMAIL,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_TRAINER_EMAIL,
    demo_totp_uri,
    ensure_demo_accounts,
)
from cms.models import HomePage
from cms.roles import (
    ensure_course_review_workflow,
    ensure_roles,
    grant_course_editing,
    grant_site_editing,
)
from courses.models import CourseIndexPage
from organisations.demo import demo_organisation_ensure
from reporting.demo import targets_ensure, training_targets_ensure
from trainings.demo import training_demo_ensure


class Command(BaseCommand):
    help = "Load the demo content and accounts (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "seed_demo creates accounts with a published password and is refused here. "
                "Set DEMO_DATA_ALLOWED=true only on a demo or test server."
            )
        with transaction.atomic():
            seed_taxonomies(Sector, Region)
            seed_professional_roles(ProfessionalRole)
            ensure_roles()
            call_command("load_courses", verbosity=options["verbosity"])
            for home in HomePage.objects.all():
                grant_site_editing(page=home)
            for index in CourseIndexPage.objects.all():
                grant_course_editing(page=index)
                ensure_course_review_workflow(page=index)
            accounts = ensure_demo_accounts()
            hotel = demo_organisation_ensure(staff_password=DEMO_PASSWORD)
            targets_ensure()
            awareness, in_depth = training_demo_ensure(
                organiser_email=DEMO_ORGANISER_EMAIL, trainer_email=DEMO_TRAINER_EMAIL
            )
            training_targets_ensure(awareness=awareness, in_depth=in_depth)
        if options["verbosity"]:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS("Demo ready at http://127.0.0.1:8000/"))
            self.stdout.write(
                f"  admin: http://127.0.0.1:8000/admin/   password for every "
                f"demo account: {DEMO_PASSWORD}"
            )
            for account in accounts:
                self.stdout.write(f"  {account.role:<22} {account.email}")
            if hotel is not None:
                self.stdout.write(f"  demo hotel managed by the organisation manager: {hotel.name}")
            self.stdout.write(
                "  every account but the learner has two-factor authentication: add this "
                f"secret to an authenticator app: {DEMO_TOTP_SECRET}"
            )
            self.stdout.write(f"  ({demo_totp_uri()}; or `oathtool --totp -b {DEMO_TOTP_SECRET}`)")
            self.stdout.write("")
