from accounts.access import acting_county
from accounts.menu import nav_items


def navigation(request):
    """The main navigation of the signed-in user, from the apps' menu declarations, and the
    county a reviewer (or an unscoped admin) chose to look at (the banner of base.html)."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    acting = acting_county(user) if getattr(user, "acting_county_id", None) else None
    return {"nav_items": nav_items(user, request.path), "acting_county": acting}
