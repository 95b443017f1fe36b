import contextlib
import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from stip.people.models import Team
from stip.people.queries import teams_for_filter

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("All teams"),
    )
    job_title = forms.CharField(label=_("Job title"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = (self.data.get("team") or "").strip() if self.is_bound else ""
        chosen_id = None
        if chosen:
            with contextlib.suppress(ValueError):
                chosen_id = uuid.UUID(chosen)
        self.fields["team"].queryset = teams_for_filter(chosen_id)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: employee number, first name, last name, e-mail, manager's employee number, "
            "team, parent team, job title, job level, start date, end date, language. "
            "Comma or semicolon separated, UTF-8."
        ),
    )
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate people who are not in the file"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        raw = upload.read()
        try:
            self.cleaned_data["content"] = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.")
            ) from None
        if not self.cleaned_data["content"].strip():
            raise forms.ValidationError(_("The file is empty."))
        return upload
