"""Edit history in the admin (django-simple-history), under the same row rules as the change pages."""

from simple_history.admin import SimpleHistoryAdmin


class RowRuleHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history list, history form and revert obey ``get_queryset``.

    Placeholder: filled in by the history work (see the brief).
    """
