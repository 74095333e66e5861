"""The dashboard's figures, derived from the records and rebuilt whenever they change.

Nobody edits these tables: ``portal.figures.rebuild`` writes them from the certificates,
agencies, audits and findings, and the dashboard reads them. They hold step functions of the
day (a figure's value from each day it changes), so a figure on any day, past or future, is
one indexed lookup instead of a pass over every certificate. See ``portal/figures.py``.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FigureState(models.Model):
    """The one row describing the stored figures; rebuilding takes its write lock."""

    built_at = models.DateTimeField(
        _("dihitung pada"), null=True, blank=True, help_text=_("Kapan angka dihitung; kosong bila belum pernah.")
    )
    first_issued = models.DateField(
        _("terbit pertama"), null=True, blank=True, help_text=_("Tanggal terbit sertifikat tertua yang diketahui.")
    )
    newest_record = models.DateField(
        _("catatan terbaru"),
        null=True,
        blank=True,
        help_text=_("Tanggal terbaru di antara terbit, perubahan status, upacara dan audit."),
    )

    class Meta:
        verbose_name = _("status angka dasbor")
        verbose_name_plural = _("status angka dasbor")
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="figurestate_single_row")]

    def __str__(self):
        return f"{self.built_at or '-'}"


class FigureChange(models.Model):
    """A write to the data the figures count, not yet in them: one row per write, none when current.

    Writers only add rows, so two writes never wait for each other here (a shared counter row
    would make every write transaction queue on it, and deadlock with ones holding other rows).
    """

    at = models.DateTimeField(_("waktu"), auto_now_add=True, help_text=_("Kapan perubahan dicatat."))

    class Meta:
        verbose_name = _("perubahan data untuk angka dasbor")
        verbose_name_plural = _("perubahan data untuk angka dasbor")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.pk} {self.at}"


class Figure(models.Model):
    """A dashboard figure's value from ``day`` until the key's next row."""

    # (key, day) is the row's identity and the lookups' index; no surrogate id to maintain.
    pk = models.CompositePrimaryKey("key", "day")
    key = models.CharField(_("kunci"), max_length=80, help_text=_("Angka apa, mis. 'certified' atau 'audits'."))
    day = models.DateField(_("mulai tanggal"), help_text=_("Hari angka ini mulai berlaku."))
    value = models.PositiveIntegerField(_("nilai"), help_text=_("Nilai angka sejak hari itu."))

    class Meta:
        verbose_name = _("angka dasbor")
        verbose_name_plural = _("angka dasbor")
        ordering = ["key", "day"]
        # The figures that do not depend on the day are read together (portal.figures.constants).
        indexes = [models.Index(fields=["key"], condition=Q(day=datetime.date.min), name="figure_constant_idx")]

    def __str__(self):
        return f"{self.key} {self.day}: {self.value}"
