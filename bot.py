"""The Teams activity handler and the app factory.

`create_app(settings)` is the one wiring function: it opens the store, builds the adapter with
its middleware, the dialogs and the services, and returns the aiohttp application. Tests call
it with their own settings (and clock); `main()` runs it for `make run`.
"""

from __future__ import annotations

import logging
import sys
from http import HTTPStatus
from typing import Any

from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.serializer_helper import DEPENDICIES_DICT
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue

from adapters import metrics, servicenow_callback
from adapters.logging_setup import configure_logging
from adapters.model_codec import card_answer_to_json, to_json
from adapters.turn_errors import on_turn_error
from app import App, build_app_services
from config import Settings, SettingsError, load_settings
from domain.clock import Clock
from domain.ports import StoreUnavailable
from messages import text

log = logging.getLogger(__name__)
VERSION = "0.1.0"


class SkyddadIdBot(TeamsActivityHandler):
    """Routes Teams activities: 1:1 chats to the intake, channels and card actions to routing."""

    def __init__(self, services: App) -> None:
        self.services = services

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self.services.save_state(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self.services.remember_conversation(turn_context)
        if turn_context.activity.conversation.conversation_type == "personal":
            await self.services.personal_chat.on_message(turn_context)
        else:
            await self.services.channel_commands.on_message(turn_context)  # handlers/triggers.py

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        await self.services.remember_conversation(turn_context)
        if turn_context.activity.conversation.conversation_type == "personal":
            await self.services.personal_chat.greet(turn_context)
        else:
            await turn_context.send_activity(text("help_channel", turn_context.activity.locale))

    async def on_teams_members_added_dispatch(
        self, members_added: list[Any], team_info: Any, turn_context: TurnContext
    ) -> None:
        # The SDK looks each added person up at the connector (an outbound call per member, and
        # an error turn when one fails); only whether the bot itself was added matters here.
        await self.on_teams_members_added(members_added, team_info, turn_context)

    async def on_teams_members_added(
        self, teams_members_added: list[Any], team_info: Any, turn_context: TurnContext
    ) -> None:
        bot_id = turn_context.activity.recipient.id
        if any(member.id == bot_id for member in teams_members_added):
            await self.services.remember_conversation(turn_context)

    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        action = invoke_value.action or {}
        # Every verb and its handler: the table in handlers/triggers.py.
        body = await self.services.card_actions.dispatch(turn_context, action.get("verb"), action.get("data"))
        return AdaptiveCardInvokeResponse(
            status_code=body["statusCode"], type=body["type"], value=body["value"]
        )

    @staticmethod
    def _create_invoke_response(body: object = None) -> InvokeResponse:
        # ActivityHandler's, with the body written by model_codec: msrest's serializer_helper
        # cost ~1 ms of CPU for a case card (the exact same JSON: adapters/model_codec.py).
        if body is None:
            return TeamsActivityHandler._create_invoke_response(body)
        if isinstance(body, AdaptiveCardInvokeResponse):  # a card click's answer: the card as is
            return InvokeResponse(status=int(HTTPStatus.OK), body=card_answer_to_json(body, DEPENDICIES_DICT))
        return InvokeResponse(status=int(HTTPStatus.OK), body=to_json(body, DEPENDICIES_DICT))


SETTINGS = web.AppKey("settings", Settings)
SERVICES = web.AppKey("services", App)
BOT = web.AppKey("bot", SkyddadIdBot)


def create_app(settings: Settings, *, clock: Clock | None = None) -> web.Application:
    """Build the aiohttp app: the one composition that `make run`, every test, drill and `make e2e`
    runs. Tests may pass their own settings and clock (and point references at a stand-in
    connector); nothing else can be swapped (tests/unit/test_one_composition.py checks it)."""
    app = web.Application()
    app[SETTINGS] = settings
    metrics.build_info(VERSION)

    async def start(app: web.Application) -> None:
        services = await build_app_services(settings, clock=clock)
        services.adapter.on_turn_error = on_turn_error
        app[SERVICES] = services
        app[BOT] = SkyddadIdBot(services)
        await services.start()
        services.adapter.start()

    async def stop(app: web.Application) -> None:
        services = app.get(SERVICES)
        if services is not None:
            await services.close()

    async def shutting_down(app: web.Application) -> None:
        services = app.get(SERVICES)
        if services is not None:  # runs before aiohttp waits for open requests
            await services.adapter.close()

    app.on_response_prepare.append(_no_server_banner)
    app.on_startup.append(start)
    app.on_shutdown.append(shutting_down)
    app.on_cleanup.append(stop)
    app.router.add_post("/api/messages", messages_endpoint)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_endpoint)
    if settings.servicenow_enabled and settings.servicenow_callback_secret:
        app.router.add_post(servicenow_callback.PATH, servicenow_callback_endpoint)
    return app


async def messages_endpoint(request: web.Request) -> web.StreamResponse:
    return await request.app[SERVICES].adapter.process(request, request.app[BOT])


async def servicenow_callback_endpoint(request: web.Request) -> web.Response:
    """ServiceNow's nudge that a vendor record changed (adapters/servicenow_callback.py)."""
    callback = request.app[SERVICES].servicenow_callback
    if callback is None:  # only routed when configured; kept for type safety
        raise web.HTTPNotFound()
    return await callback(request)


async def metrics_endpoint(request: web.Request) -> web.Response:
    """Prometheus text; open in local mode, else only with `Authorization: Bearer METRICS_TOKEN`."""
    services = request.app[SERVICES]
    return await metrics.scrape(
        services.settings, request.headers.get("Authorization", ""), services.stores.due, services.clock()
    )


async def healthz(request: web.Request) -> web.Response:
    """Unauthenticated liveness: never the version (that is `sid_build_info` on /metrics)."""
    settings = request.app[SETTINGS]
    return web.json_response(
        {
            "status": "ok",
            "storage": settings.storage_backend,
            "mode": "local" if settings.local_mode else "authenticated",
        }
    )


async def readyz(request: web.Request) -> web.Response:
    """Unauthenticated: says ready or not, never which host, port or error (that goes to the log)."""
    try:
        await request.app[SERVICES].stores.ping()
    except StoreUnavailable as exc:
        log.warning("not ready: store unavailable: %s", exc)
        return web.json_response({"status": "unavailable"}, status=HTTPStatus.SERVICE_UNAVAILABLE)
    return web.json_response({"status": "ready"})


async def _no_server_banner(request: web.Request, response: web.StreamResponse) -> None:
    # aiohttp names the Python and aiohttp versions in `Server`; a banner only helps an attacker.
    response.headers.popall("Server", None)


def main() -> None:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)  # noqa: T201 - logging is not configured yet
        raise SystemExit(2) from None
    configure_logging(settings.log_format, settings.log_level)
    if settings.local_mode:
        log.warning(
            "LOCAL MODE: no MicrosoftAppId is set, so inbound authentication is OFF. "
            "Listening on %s only; set MicrosoftAppId/MicrosoftAppPassword/ALLOWED_TENANT_IDS for Teams.",
            settings.host,
        )
    log.info(
        "Skyddad ID-bot %s on http://%s:%s (store: %s)",
        VERSION,
        settings.host,
        settings.port,
        settings.storage_backend,
    )
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
