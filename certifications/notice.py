"""How far ahead the portal warns of what is coming, in days: each window defined once, here.

The public dashboard, the admin (the index's "Perlu tindakan" panel and the certificate
list's filters) and the daily reminder mails all read these, so a page, a filter and a mail
never disagree on what "soon" means. The numbers are shown to people ("dalam 90 hari"), so
every text that names one takes it from here. This module imports nothing of the project:
every app may use it.
"""

import datetime

# Findings (nonconformities) due this close, or overdue, are mailed daily to the agency's
# quality representatives and the audit's lead auditor (reminders). Two weeks: long enough to
# finish and send a corrective action for verification, short enough to stay a small list
# (a finding's due date is usually 30 to 90 days after its audit: see Finding.due_on).
FINDING_DUE_NOTICE_DAYS = 14

# Surveillance or recertification audits due this soon (or overdue) are shown to programme
# staff (the admin panel, the certificate list's "audit berikutnya" filter) and mailed to
# them. Two months: an audit has to be agreed with the certification body and prepared.
AUDIT_DUE_NOTICE_DAYS = 60

# Certificates ceasing to be valid this soon (printed expiry or the standard's end): the
# dashboard's "expiring" list and figure, the admin panel and "berakhir" filter, the staff
# mail. Three months, longer than the audit notice: a renewal needs a recertification audit
# before the expiry. The dashboard's stored figures are built with it: after changing it, run
# ``manage.py rebuild_figures``.
EXPIRY_NOTICE_DAYS = 90

# Agencies whose only valid certificate is to a standard ending this soon (ISO 9001:2008 on
# 15 September 2018), with nothing to a newer standard: the dashboard, the admin panel and
# filter, the staff mail. A year: moving to the newer standard means changing the quality
# system and a transition audit, more work than a renewal.
STANDARD_END_NOTICE_DAYS = 365


# When a finding is mailed to the representatives who must answer it (the daily mail; the
# admin index lists every open finding every day). A finding with 90 days to run would
# otherwise first reach them 76 days in, so it is also mailed once at the halfway point
# between the day it was raised and its due date. Once: listed in the first daily mail the
# person receives on or after the halfway day (the day itself when the daily run happens),
# not every day after it, so a missed run does not lose it and nobody is mailed daily for
# six weeks. From FINDING_DUE_NOTICE_DAYS before the due date it is listed every day.
def halfway_day(raised_on: datetime.date, due_on: datetime.date) -> datetime.date:
    """The day halfway between raising a finding and its due date (rounded down)."""
    return raised_on + datetime.timedelta(days=(due_on - raised_on).days // 2)


def finding_reminder_due(
    *,
    raised_on: datetime.date | None,
    due_on: datetime.date | None,
    on: datetime.date,
    last_mailed_on: datetime.date | None,
) -> bool:
    """Whether a finding belongs in the daily mail of ``on`` of a person last mailed on ``last_mailed_on``.

    Within FINDING_DUE_NOTICE_DAYS of its due date (or overdue): every day. Before that: only when
    the halfway day has come since the person's last daily mail (``None``: never mailed). Without a
    due date: never (the index still lists it).
    """
    if due_on is None:
        return False
    if due_on - datetime.timedelta(days=FINDING_DUE_NOTICE_DAYS) <= on:
        return True
    if raised_on is None:
        return False
    halfway = halfway_day(raised_on, due_on)
    return halfway <= on and (last_mailed_on is None or last_mailed_on < halfway)
