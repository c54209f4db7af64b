"""The two reference bots of the side-by-side benchmark, each run as its own process.

    python bench/stock_bots.py echo PORT       # the framework floor
    python bench/stock_bots.py waterfall PORT  # stock botbuilder 4.17.1: 2-step waterfall, MemoryStorage

Both are plain botbuilder 4.17.1 (CloudAdapter, ActivityHandler) with one unavoidable change:
the aiohttp `process` below serialises only msrest models, because stock 4.17.1 answers every
expectReplies and invoke request with HTTP 500 (botbuilder-python #2156) and a 500 measures
nothing. The floor additionally builds msrest's retry list once (the same fix the bot runs);
the waterfall keeps msrest stock. Nothing from this repository is imported.
"""

from __future__ import annotations

import sys
from typing import Any

from aiohttp import web
from botbuilder.core import ActivityHandler, ConversationState, MemoryStorage, TurnContext
from botbuilder.dialogs import DialogSet, DialogTurnStatus, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.prompts import PromptOptions, TextPrompt
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue
from msrest.serialization import Model
from msrest.universal_http import requests as msrest_requests


class Config:
    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


def fix_msrest_retry_list() -> None:
    """msrest rebuilds a ~500-code list with a 999-step comprehension per client; build it once."""
    safe = frozenset([*(c for c in range(500) if c != 408), 501, 505])
    codes = [c for c in range(999) if c not in safe]

    def init(self: Any) -> None:  # msrest's ClientRetryPolicy.__init__ minus the rebuild
        policy = msrest_requests.Retry()
        policy.total = policy.connect = policy.read = 3
        policy.backoff_factor = 0.8
        policy.BACKOFF_MAX = 90
        policy.status_forcelist = codes
        policy.method_whitelist = ["HEAD", "TRACE", "GET", "PUT", "OPTIONS", "DELETE", "POST", "PATCH"]
        self.policy = policy

    msrest_requests.ClientRetryPolicy.__init__ = init


class EchoBot(ActivityHandler):
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await turn_context.send_activity(f"Du skrev: {turn_context.activity.text}")

    async def on_adaptive_card_invoke(
        self, turn_context: TurnContext, invoke_value: AdaptiveCardInvokeValue
    ) -> AdaptiveCardInvokeResponse:
        verb = (invoke_value.action or {}).get("verb")
        card = {
            "type": "AdaptiveCard",
            "version": "1.5",
            "body": [{"type": "TextBlock", "text": f"Klickat: {verb}"}],
        }
        return AdaptiveCardInvokeResponse(
            status_code=200, type="application/vnd.microsoft.card.adaptive", value=card
        )


class WaterfallBot(ActivityHandler):
    """The botbuilder sample shape: ask, then answer; state in ConversationState on MemoryStorage."""

    def __init__(self) -> None:
        self.state = ConversationState(MemoryStorage())
        self.dialogs = DialogSet(self.state.create_property("dialog_state"))
        self.dialogs.add(TextPrompt("text"))
        self.dialogs.add(WaterfallDialog("main", [self.ask_step, self.answer_step]))

    async def ask_step(self, step: WaterfallStepContext) -> Any:
        prompt = Activity(type="message", text="Vad vill du anmäla?")
        return await step.prompt("text", PromptOptions(prompt=prompt))

    async def answer_step(self, step: WaterfallStepContext) -> Any:
        await step.context.send_activity(f"Tack: {step.result}")
        return await step.end_dialog()

    async def on_turn(self, turn_context: TurnContext) -> None:
        await super().on_turn(turn_context)
        await self.state.save_changes(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        dialog = await self.dialogs.create_context(turn_context)
        result = await dialog.continue_dialog()
        if result.status == DialogTurnStatus.Empty:
            await dialog.begin_dialog("main")


class Adapter(CloudAdapter):
    async def process(self, request: web.Request, bot: Any, ws_response: Any = None) -> web.Response:
        activity = Activity().deserialize(await request.json())
        response = await self.process_activity(
            request.headers.get("Authorization", ""), activity, bot.on_turn
        )
        if response is None:
            return web.Response(status=201)
        body = response.body.serialize() if isinstance(response.body, Model) else response.body
        return web.json_response(data=body, status=response.status)


def main(kind: str, port: int) -> None:
    if kind == "echo":
        fix_msrest_retry_list()
    bot = EchoBot() if kind == "echo" else WaterfallBot()
    adapter = Adapter(ConfigurationBotFrameworkAuthentication(Config()))

    async def messages(request: web.Request) -> web.Response:
        return await adapter.process(request, bot)

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
