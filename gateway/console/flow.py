"""The yard queue (officers) and the flow forecast chart (supervisors).

Why these roles: officers at the gate need to see who is coming next and when;
the forecast is for whoever plans shifts and agrees hours extensions with the
Chinese side - the supervisors who already manage gate hours.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from domain.reference import Reference
from gateway.console.common import page_user, render, settings_of
from services.yard import queries
from services.yard.weather import WeatherError, load_weather
from services.yard.worker import yard_queues

router = APIRouter(include_in_schema=False)


@router.get("/yard", response_class=HTMLResponse)
def yard(request: Request) -> Response:
    user = page_user(request, "officer")
    if isinstance(user, Response):
        return user
    reference: Reference = request.app.state.reference
    with request.app.state.sessions() as session, session.begin():
        board = queries.yard_board(session, reference=reference)
    names = {g.id: g for g in reference.gates}
    return render(request, "yard.html", queues=board, gates=names)


@router.get("/forecast", response_class=HTMLResponse)
def forecast(request: Request, gate: str = "") -> Response:
    user = page_user(request, "supervisor")
    if isinstance(user, Response):
        return user
    reference: Reference = request.app.state.reference
    gate_ids = list(dict.fromkeys(g for g, _ in yard_queues(reference)))
    gate_id = gate if gate in gate_ids else (gate_ids[0] if gate_ids else "")
    weather_error = None
    try:
        weather = load_weather(settings_of(request).weather_source)
    except WeatherError as exc:
        weather, weather_error = {}, str(exc)
    with request.app.state.sessions() as session, session.begin():
        data = queries.forecast(session, gate_id=gate_id, now=datetime.now(UTC),
                                weather=weather) if gate_id else {"error": "no yard gate"}
    return render(request, "forecast.html", data=data, gate_ids=gate_ids, gate_id=gate_id,
                  weather_error=weather_error)
