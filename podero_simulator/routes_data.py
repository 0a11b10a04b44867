"""Time series (``/data``), savings and heat-pump statistics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from . import query, savings, timeseries
from .api import (
    ApiError,
    bool_param,
    device_routes,
    json_response,
    owned_device,
    validation_error,
)
from .validation import FieldError, error_item

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
DATA_KINDS = ("heat-pumps", "electric-vehicles", "inverters")
DEFAULT_WINDOW_S = 86400


def _range_error(name: str, value: str | None) -> ApiError:
    problem = FieldError("value_error", "Value error, the start must be before the end")
    return validation_error([error_item(("query", name), problem, value)])


def _too_long(name: str, value: str | None) -> ApiError:
    problem = FieldError(
        "value_error", "Value error, the range has too many periods for this resolution"
    )
    return validation_error([error_item(("query", name), problem, value)])


def _data(kind: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        who, device = owned_device(request, kind)
        now = who.sim.now_ts()
        fill = bool_param(request, "fill-missing", where="header")
        end = query.timestamp(request, "to_datetime", default=now)
        assert end is not None
        start = query.timestamp(
            request, "from_datetime", default=end - DEFAULT_WINDOW_S
        )
        assert start is not None
        resolution = query.choice(
            request, "resolution", timeseries.DATA_RESOLUTIONS, "15MIN"
        )
        keywords = query.csv(request, "keywords", timeseries.KEYWORDS[kind])
        if start >= end:
            raise _range_error("from_datetime", request.query.get("from_datetime"))
        try:
            points = timeseries.data_points(
                device, start, end, resolution, keywords, fill_missing=fill
            )
        except ValueError:
            raise _too_long("to_datetime", request.query.get("to_datetime")) from None
        if points is None:
            raise ApiError(
                400, {"detail": "No data available for the requested period."}
            )
        metadata = {"resolution": resolution, "units": timeseries.UNITS}
        return json_response({"metadata": metadata, "data": points})

    handler.__doc__ = f"``GET .../{kind}/{{id}}/data`` (header ``fill-missing``)."
    return handler


def _savings(kind: str) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        who, device = owned_device(request, kind)
        now = who.sim.now_ts()
        start = query.timestamp(request, "from", allow_date=True)
        end = query.timestamp(request, "to", allow_date=True)
        if start is None:
            query.required(request, "from")
        if end is None:
            query.required(request, "to")
        assert start is not None and end is not None
        resolution = query.choice(
            request, "resolution", savings.SAVINGS_RESOLUTIONS, "1MONTH"
        )
        if start >= end:
            raise _range_error("from", request.query.get("from"))
        try:
            items = savings.savings(device, start, end, resolution, now)
        except ValueError:
            raise _too_long("to", request.query.get("to")) from None
        meta = savings.metadata(
            now,
            {
                "from": request.query["from"],
                "to": request.query["to"],
                "resolution": resolution,
            },
        )
        return json_response({"metadata": meta, "data": items})

    handler.__doc__ = f"``GET .../{kind}/{{id}}/savings?from&to&resolution``."
    return handler


async def statistics(request: web.Request) -> web.Response:
    """``GET .../heat-pumps/{id}/statistics?resolution&keywords``: periods to date."""
    who, device = owned_device(request, "heat-pumps")
    now = who.sim.now_ts()
    resolutions = query.csv(request, "resolution", savings.SAVINGS_RESOLUTIONS) or [
        "1DAY"
    ]
    keywords = query.csv(request, "keywords", savings.STATISTICS_KEYWORDS)
    chosen = tuple(keywords) if keywords is not None else savings.STATISTICS_KEYWORDS
    meta = savings.metadata(
        now, {"resolution": ",".join(resolutions), "keywords": ",".join(chosen)}
    )
    return json_response(
        {"metadata": meta, "data": savings.statistics(device, resolutions, chosen, now)}
    )


def add_routes(router: web.UrlDispatcher) -> None:
    """Register data, savings and statistics endpoints."""
    for kind in DATA_KINDS:
        router.add_get(device_routes(kind, "/data"), _data(kind))
        router.add_get(device_routes(kind, "/savings"), _savings(kind))
    router.add_get(device_routes("heat-pumps", "/statistics"), statistics)
