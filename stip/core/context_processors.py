from stip.core.policies import is_admin, is_hr, person_of


def navigation(request):
    """What the navigation bar needs: the person signed in and their roles."""
    user = getattr(request, "user", None)
    return {
        "me": person_of(user),
        "nav_is_hr": is_hr(user),
        "nav_is_admin": is_admin(user),
    }
