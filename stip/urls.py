from django.contrib import admin
from django.urls import include, path

from stip.api.api import api
from stip.people import views as people_views

admin.site.site_header = "Stip"

urlpatterns = [
    path("", people_views.home, name="home"),
    path("", include("stip.core.urls")),
    path("people/", include("stip.people.urls")),
    path("goals/", include("stip.goals.urls")),
    path("feedback/", include("stip.feedback.urls")),
    path("conversations/", include("stip.conversations.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
