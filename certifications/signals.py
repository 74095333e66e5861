"""The finding workflow's steps, as signals sent once the step's transaction has committed.

certifications is below reminders (which mails people about each step) and may not import it:
it says what happened, and whoever listens (``reminders.receivers``) acts. Each signal is sent
from ``transaction.on_commit``: a step rolled back sends nothing, a step committed sends once.

Every signal is sent with ``sender=Finding``, ``finding`` (the row as the step saved it) and
``by`` (the user who took the step, or None when unknown, e.g. a script).
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import Signal

from .models import Finding

# A finding was added, by any path: the audit page's inline, the finding's add page, a script.
finding_recorded = Signal()
# The agency's representative proposed a corrective action (services.propose_action).
action_proposed = Signal()
# The verifier sent the proposed action back (services.return_finding), with ``reason``.
finding_returned = Signal()
# The verifier accepted the action and closed the finding (services.close_finding).
finding_closed = Signal()


def send_on_commit(signal: Signal, finding: Finding, *, by=None, **extra) -> None:
    """Send ``signal`` for ``finding`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: signal.send(sender=Finding, finding=finding, by=by, **extra))


def _finding_saved(sender, instance: Finding, created: bool, raw: bool = False, **kwargs) -> None:
    # raw: a fixture being loaded, not a finding being recorded.
    if created and not raw:
        send_on_commit(finding_recorded, instance, by=getattr(instance, "_history_user", None))


def connect() -> None:
    post_save.connect(_finding_saved, sender=Finding, dispatch_uid="finding-recorded")
