"""Liveness for the container health checks (docker-compose.yml): the process answers and the
database answers. Public, says nothing but ok / unavailable, never cached."""
from django.db import connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache

from .. import access


@never_cache
@access.require(access.PUBLIC)
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 — any database failure is "unavailable"
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
