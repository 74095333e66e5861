"""Django's and django-axes' own admins, with the portal's guard on forged action ids.

Their changelists run ``delete_selected`` like ours; an id that is no primary key (``abc``, a
NUL byte, a number past the column) raised in the database layer: a 500 for the superusers who
see these lists. Re-registered here (this app loads after ``auth`` and ``axes``) with
``SelectedIdsMixin``, which refuses such ids by name, as every portal admin does.
"""

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from bandung_iso.admin_base import SelectedIdsMixin


class GuardedUserAdmin(SelectedIdsMixin, UserAdmin):
    pass


class GuardedGroupAdmin(SelectedIdsMixin, GroupAdmin):
    pass


class GuardedAccessAttemptAdmin(SelectedIdsMixin, AccessAttemptAdmin):
    pass


class GuardedAccessLogAdmin(SelectedIdsMixin, AccessLogAdmin):
    pass


class GuardedAccessFailureLogAdmin(SelectedIdsMixin, AccessFailureLogAdmin):
    pass


for model, model_admin in [
    (User, GuardedUserAdmin),
    (Group, GuardedGroupAdmin),
    (AccessAttempt, GuardedAccessAttemptAdmin),
    (AccessLog, GuardedAccessLogAdmin),
    (AccessFailureLog, GuardedAccessFailureLogAdmin),
]:
    # axes registers its admins only when AXES_ENABLE_ADMIN is on: keep whatever it decided.
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, model_admin)
