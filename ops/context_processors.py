from ops.health import broker_up


def service_status(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"broker_down": not broker_up()}
