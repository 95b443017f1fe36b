from django.urls import path

from stip.conversations import views

app_name = "conversations"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("overview/", views.overview, name="overview"),
    path("new/", views.meeting_new, name="new"),
    path("series/new/", views.series_new, name="series_new"),
    path("series/<uuid:public_id>/", views.series_detail, name="series"),
    path("series/<uuid:public_id>/edit/", views.series_edit, name="series_edit"),
    path("series/<uuid:public_id>/stop/", views.series_stop, name="series_stop"),
    path("<uuid:public_id>/", views.meeting_detail, name="meeting"),
    path("<uuid:public_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<uuid:public_id>/held/", views.meeting_held, name="meeting_held"),
    path("<uuid:public_id>/agenda/", views.agenda_add, name="agenda_add"),
    path("<uuid:public_id>/agenda/refresh/", views.agenda_refresh, name="agenda_refresh"),
    path("<uuid:public_id>/agenda/<uuid:item_id>/move/", views.agenda_move, name="agenda_move"),
    path(
        "<uuid:public_id>/agenda/<uuid:item_id>/discussed/",
        views.agenda_discussed,
        name="agenda_discussed",
    ),
    path(
        "<uuid:public_id>/agenda/<uuid:item_id>/remove/",
        views.agenda_remove,
        name="agenda_remove",
    ),
    path("<uuid:public_id>/check-in/", views.checkin, name="checkin"),
    path("<uuid:public_id>/notes/", views.shared_notes, name="shared_notes"),
    path("<uuid:public_id>/notes/history/", views.notes_history, name="notes_history"),
    path("<uuid:public_id>/private-note/", views.private_note, name="private_note"),
    path("<uuid:public_id>/actions/", views.action_add, name="action_add"),
    path("<uuid:public_id>/actions/<uuid:item_id>/done/", views.action_done, name="action_done"),
    path("<uuid:public_id>/report/", views.report_write, name="report_write"),
    path("reports/<uuid:public_id>/", views.report_detail, name="report"),
    path("reports/<uuid:public_id>/share/", views.report_share, name="report_share"),
    path("reports/<uuid:public_id>/respond/", views.report_respond, name="report_respond"),
    path(
        "reports/<uuid:public_id>/acknowledge/",
        views.report_acknowledge,
        name="report_acknowledge",
    ),
    path("reports/<uuid:public_id>/correct/", views.report_correct, name="report_correct"),
    path("reports/<uuid:public_id>/quote/", views.report_quote, name="report_quote"),
    path("reports/<uuid:public_id>/pdf/", views.report_pdf, name="report_pdf"),
    path("templates/", views.templates, name="templates"),
    path("templates/new/", views.template_new, name="template_new"),
    path("templates/<uuid:public_id>/", views.template_edit, name="template_edit"),
    path("scales/", views.scales, name="scales"),
    path("scales/new/", views.scale_new, name="scale_new"),
    path("scales/<uuid:public_id>/", views.scale_edit, name="scale_edit"),
]
