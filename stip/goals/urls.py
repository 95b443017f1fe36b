from django.urls import path

from stip.goals import views

app_name = "goals"

urlpatterns = [
    path("", views.my_goals, name="mine"),
    path("team/", views.team, name="team"),
    path("organisation/", views.organisation, name="organisation"),
    path("tree/", views.tree, name="tree"),
    path("not-aligned/", views.not_aligned, name="not_aligned"),
    path("all/", views.search, name="search"),
    path("new/", views.new, name="new"),
    path("pick/team/", views.pick_team, name="pick_team"),
    path("pick/goal/", views.pick_parent, name="pick_parent"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/children/", views.tree_children, name="children"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/update/", views.update, name="update"),
    path("<uuid:public_id>/close/", views.close, name="close"),
    path("<uuid:public_id>/reopen/", views.reopen, name="reopen"),
    path("<uuid:public_id>/carry-over/", views.carry_over, name="carry_over"),
    path("<uuid:public_id>/strategic/", views.strategic, name="strategic"),
    path("<uuid:public_id>/key-results/", views.key_result_add, name="key_result_add"),
    path(
        "<uuid:public_id>/key-results/<uuid:key_result_id>/remove/",
        views.key_result_remove,
        name="key_result_remove",
    ),
    path("<uuid:public_id>/comments/", views.comment, name="comment"),
]
