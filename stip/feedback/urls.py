from django.urls import path

from stip.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.person_feedback, name="mine"),
    path("person/<uuid:public_id>/", views.person_feedback, name="person"),
    path("person/<uuid:public_id>/notes/", views.note_new, name="note_new"),
    path("notes/<uuid:public_id>/share/", views.note_share, name="note_share"),
    path("people/", views.people, name="people"),
    path("give/", views.give, name="give"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/reply/", views.reply, name="reply"),
    path("<uuid:public_id>/helpful/", views.helpful, name="helpful"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request"),
    path("requests/<uuid:public_id>/answer/", views.request_answer, name="request_answer"),
    path("requests/<uuid:public_id>/decline/", views.request_decline, name="request_decline"),
    path("requests/<uuid:public_id>/share/", views.request_share, name="request_share"),
    path("praise/", views.praise_wall, name="praise"),
    path("praise/new/", views.praise_new, name="praise_new"),
    path("praise/<uuid:public_id>/react/", views.praise_react, name="praise_react"),
    path("values/", views.values, name="values"),
    path("values/<uuid:public_id>/", views.value_edit, name="value_edit"),
    path("values/<uuid:public_id>/active/", views.value_active, name="value_active"),
    path("question-sets/", views.question_sets, name="question_sets"),
    path("question-sets/new/", views.question_set_new, name="question_set_new"),
    path("question-sets/<uuid:public_id>/", views.question_set_detail, name="question_set"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<uuid:public_id>/", views.round_detail, name="round"),
    path("rounds/<uuid:public_id>/close/", views.round_close, name="round_close"),
    path("rounds/<uuid:public_id>/answer/", views.round_answer, name="round_answer"),
    path("rounds/<uuid:public_id>/decline/", views.round_decline, name="round_decline"),
    path("rounds/<uuid:public_id>/result/", views.round_result, name="round_result"),
]
