from django.urls import path

from stip.people import views

app_name = "people"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("me/", views.me, name="me"),
    path("chart/", views.org_chart, name="org_chart"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:public_id>/", views.import_detail, name="import_detail"),
    path("import/<uuid:public_id>/errors.csv", views.import_errors, name="import_errors"),
    path("<uuid:public_id>/", views.profile, name="profile"),
    path("<uuid:public_id>/reports/", views.org_chart_children, name="org_chart_children"),
    path("<uuid:public_id>/hr-role/", views.hr_role, name="hr_role"),
]
