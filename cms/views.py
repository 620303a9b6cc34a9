from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from .health import broker_status, database_status


@never_cache
def healthz(request):
    db_ok, db_detail = database_status()
    broker_ok, broker_detail = broker_status()
    ok = db_ok and broker_ok
    return JsonResponse(
        {
            "status": "ok" if ok else "unavailable",
            "database": {"ok": db_ok, "detail": db_detail},
            "broker": {"ok": broker_ok, "detail": broker_detail},
        },
        status=200 if ok else 503,
    )
