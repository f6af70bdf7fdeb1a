from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from ops.health import broker_up


@require_safe
def healthz(request):
    """Liveness for the load balancer: the database answers; the broker state is reported."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"database": "ok", "broker": "ok" if broker_up() else "down"})
