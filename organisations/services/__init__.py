"""Everything that changes organisations, one module per sub-domain. Views, the API, tasks and
signal handlers import a service from its module; this package re-exports nothing, so each
service has one import path (ADR 0021):

- `registration`: registering an establishment, its review, details, courses that count,
  locations and the join link;
- `staff`: memberships, staff and co-manager invitations, joins completed after sign-up;
- `staff_csv`: the staff CSV template, import and export;
- `certification`: evaluating the organisation certificate (the rule is in `rules.py`), the
  nightly sweep and the hourly repair;
- `notifications`: the managers' certification e-mails and the reminders to members.

Dependencies between them point one way: registration and staff ask certification for an
evaluation, certification asks notifications for the managers' e-mail, staff_csv invites
through staff's outbox kind."""
