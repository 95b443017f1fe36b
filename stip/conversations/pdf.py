"""A formal report as a PDF for the personnel file (fpdf2, no external programs).

The document is built from the report and its meeting's two people only: it never reads shared
notes, private notes, agendas or action items, so none of those can end up in it. A passage the
manager deliberately quoted into the report is part of the report's text, marked as a quote.

fpdf2's built-in fonts cover Latin-1 only (no €, no curly quotes), so the DejaVu Sans that ships
in `fonts/` is embedded, subset to the characters used.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from stip.conversations.models import FormalReport, MeetingKind

# fontTools logs every step of subsetting a font at INFO: dozens of lines per export.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVuSans"
INK = (29, 39, 51)
SOFT = (77, 91, 106)
NAVY = (22, 50, 79)
LINE = (200, 208, 218)


class _Document(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-14)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*SOFT)
        self.cell(0, 5, self.footer_text, align="L")
        self.set_x(self.l_margin)
        # Translators: the page number at the foot of an exported report: "page 1 of 2".
        page = _("page %(page)s of %(total)s") % {"page": self.page_no(), "total": "{nb}"}
        self.cell(0, 5, page, align="R")


def _date(value) -> str:
    return date_format(timezone.localtime(value).date(), "DATE_FORMAT") if value else ""


def report_filename(report: FormalReport) -> str:
    """The download's name, e.g. `performance-de-Vries-2026-11-05-v1.pdf`: ASCII letters, digits,
    dashes and dots only, so that it is safe in a Content-Disposition header."""
    meeting = report.meeting
    name = (
        f"{meeting.kind}-{meeting.employee.last_name}-"
        f"{timezone.localtime(meeting.scheduled_for):%Y-%m-%d}-v{report.version}.pdf"
    )
    return "".join(c if c.isascii() and (c.isalnum() or c in "-.") else "-" for c in name)


def report_pdf(report: FormalReport, *, exported_by=None, compress: bool = True) -> bytes:
    meeting = report.meeting
    employee, manager = meeting.employee, meeting.manager
    organisation = settings.STIP_ORGANISATION_NAME or "Stip"

    pdf = _Document(format="A4", unit="mm")
    pdf.set_compression(compress)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    title = meeting.get_kind_display()
    pdf.set_title(f"{title} — {employee.full_name}")
    pdf.set_author(organisation)
    pdf.set_creator("Stip")
    exporter = ""
    if exported_by is not None:
        person = getattr(exported_by, "person", None)
        exporter = person.full_name if person is not None else exported_by.email
    pdf.footer_text = (
        _("Exported on %(date)s by %(name)s") % {"date": _date(timezone.now()), "name": exporter}
        if exporter
        else _("Exported on %(date)s") % {"date": _date(timezone.now())}
    )
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(value: str, *, size: float = 10.5, bold: bool = False, color=INK, height=5.5):
        pdf.set_font(FAMILY, "B" if bold else "", size)
        pdf.set_text_color(*color)
        pdf.multi_cell(width, height, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(value: str):
        pdf.ln(4)
        text(value, size=12, bold=True, color=NAVY, height=7)
        pdf.set_draw_color(*LINE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(2)

    def fact(label: str, value: str):
        pdf.set_font(FAMILY, "", 10)
        pdf.set_text_color(*SOFT)
        pdf.cell(56, 6, label)
        pdf.set_text_color(*INK)
        pdf.multi_cell(width - 56, 6, value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def body(value: str):
        """The report's text; lines that start with "> " are a quoted passage, indented."""
        for line in value.splitlines() or [""]:
            if line.startswith(">"):
                pdf.set_x(pdf.l_margin + 6)
                pdf.set_font(FAMILY, "", 10)
                pdf.set_text_color(*SOFT)
                pdf.multi_cell(
                    width - 6,
                    5.5,
                    line[1:].strip() or " ",
                    align="L",
                    new_x=XPos.LMARGIN,
                    new_y=YPos.NEXT,
                )
            else:
                text(line or " ")

    text(organisation, size=9, color=SOFT)
    text(title, size=18, bold=True, color=NAVY, height=9)
    if meeting.title:
        text(meeting.title, size=11, color=SOFT)
    pdf.ln(3)
    job = f" ({employee.job_title})" if employee.job_title else ""
    fact(_("Employee"), employee.full_name + job)
    fact(_("Manager"), manager.full_name)
    fact(_("Date of the conversation"), _date(meeting.held_at or meeting.scheduled_for))
    fact(_("Report version"), str(report.version))
    if report.supersedes_id:
        fact(
            _("Corrects"),
            _("version %(version)s; reason: %(reason)s")
            % {"version": report.version - 1, "reason": report.correction_reason},
        )
    fact(_("Shared with the employee"), _date(report.shared_at) or _("not yet"))

    heading(_("Report"))
    body(report.text or "—")

    if meeting.kind == MeetingKind.APPRAISAL:
        heading(_("Overall judgement"))
        if report.rating_id:
            scale = meeting.rating_scale.name if meeting.rating_scale_id else ""
            text(f"{report.rating.value} — {report.rating.name}", bold=True)
            if scale:
                text(_("on the scale “%(scale)s”") % {"scale": scale}, size=9, color=SOFT)
        else:
            text(_("No judgement given yet."), color=SOFT)

    heading(_("The employee's response"))
    if report.employee_response:
        body(report.employee_response)
    else:
        text(_("The employee did not respond."), color=SOFT)

    heading(_("Acknowledgement"))
    if report.acknowledged_at:
        text(
            _("%(name)s acknowledged having read this report on %(date)s.")
            % {"name": employee.full_name, "date": _date(report.acknowledged_at)}
        )
        text(
            _("Acknowledging means having read the report, not necessarily agreeing with it."),
            size=9,
            color=SOFT,
        )
    else:
        text(_("Not acknowledged yet."), color=SOFT)
    return bytes(pdf.output())
