from accounts.menu import nav_items


def navigation(request):
    """The main navigation of the signed-in user, from the apps' menu declarations."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    return {"nav_items": nav_items(user, request.path)}
