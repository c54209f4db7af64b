"""Browser E2E harness: the real bot, the Microsoft 365 Agents Playground and Debian chromium.

Each test gets a bot subprocess (free port, temporary DATA_DIR, local mode, settings of its
choice), and per person a Playground subprocess pointing at it (free port, the repo's
`.m365agentsplayground.yml` or a copy with another currentUser) and a headless chromium with a
fresh profile, driven by Python Playwright (sync API) — see `Stack`. Screenshots and logs go to
`tests/e2e/artifacts/<test>/`.

One thing Teams does is done here because the Playground does not: user-specific card views
(`refresh.userIds`), see `Playground._teams_card_refresh`.

Verified against @microsoft/m365agentsplayground 0.2.28 and chromium 156. The UI's CSS classes
are hashed (Fluent UI / Griffel), so the selectors below use ARIA roles and labels, the
Lexical editor attribute and the few stable `fui-*`, `fai-*` and `ac-*` class names:

- conversation list: `[role=treeitem]`, aria-label "Personal Chat", the group chat's name,
  and "<team> - <channel>" for channels (e.g. "LifeCare SP Förvaltning - General").
- compose box (chat): `[role=textbox][data-lexical-editor=true]` (a contenteditable Lexical
  editor: the harness clicks it and types with the keyboard); Enter sends, as does
  `button[aria-label="Send Message"]`.
- channel: posts are `div[role=group].fui-Card`, newest first. The first card is the new-post
  composer (placeholder "Start a new post", button "Post"); every post has its own reply box
  (textbox + "Send Message" button in the card footer).
- @mention: type "@" and the start of the bot's name in a channel editor; the suggestions are
  `#typeahead-menu [role=menuitem]`; click the bot. The bot then receives
  `<at>Bot name</at> text` with a mention entity. Without the mention the bot gets nothing.
- every message (user or bot, chat or channel) has a `button[aria-label="Show more
  information"]` in its header; the header is that button's grandparent. In 1:1/group chats the
  author is `[aria-label="Message author"]` (missing on your own messages) and the body is the
  header's next sibling (bot bodies are `.fai-OutputCard`); in channels the author is the
  header's first `span.fui-Text`; a top-level post's body is the sibling after `.fui-CardHeader`.
- hero cards (the bot's choice prompts): `[data-tid="hero-card"]`; their imBack buttons do
  nothing in 0.2.28 ("Action type imBack is not supported yet"): type the choice instead.
- adaptive cards: `.ac-adaptiveCard`; buttons are `button[title=<action title>]` inside
  `.ac-actionSet`; inputs are `.ac-input-container input` (aria-label = label or placeholder).
- log panel (right): toggle `button[title="Hide log panel"]`, clear `button[title="Clear logs"]`.
- the page gets bot messages over the websocket `/_ws_conversation/v1/conversations/stream`
  (`{"action": "createMessage", ...}`, only for conversations the UI shows) and every request
  in either direction over `/_ws/log/stream` (`{"logAction": "appendLog", "log": {...}}`, with
  the activity body, for every conversation); the harness records both (`ws-frames.json`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from playwright.sync_api import BrowserContext, Locator, Page, Playwright, WebSocket, WebSocketRoute

from messages import text as catalogue_text
from tests.e2e.playground_config import write_config_as

REPO = Path(__file__).resolve().parents[2]
PLAYGROUND_DIR = REPO / "deployment" / "playground"
PLAYGROUND_BIN = PLAYGROUND_DIR / "node_modules" / ".bin" / "agentsplayground"
PLAYGROUND_CONFIG = PLAYGROUND_DIR / ".m365agentsplayground.yml"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Playground 0.2.28 hard-codes locale "en-US" in every activity its UI generates (messages,
# card actions, installationUpdate), whatever the browser or the OS locale says.
PLAYGROUND_LOCALE = "en-US"
# So the bot is pinned to Swedish (LANGUAGE=sv), as `make playground` does: the product's first
# language. English is covered over HTTP (tests/http, tests/dialogs).
BOT_LANGUAGE = "sv"
BOT_LOCALE = "sv-SE"

COMPOSER = '[role="textbox"][data-lexical-editor="true"]'
SEND_BUTTON = 'button[aria-label="Send Message"]'
CARD = ".fui-Card"
ADAPTIVE_CARD = ".ac-adaptiveCard"
MENTION_ITEM = '#typeahead-menu [role="menuitem"]'

# Every message, with its author and visible text, in DOM order (see the module docstring).
_MESSAGES_JS = """
() => Array.from(document.querySelectorAll('button[aria-label="Show more information"]')).map(btn => {
  const header = btn.parentElement && btn.parentElement.parentElement;
  if (!header) return null;
  const cardHeader = header.closest('.fui-CardHeader');
  const body = cardHeader ? cardHeader.nextElementSibling : header.nextElementSibling;
  const author = header.querySelector('[aria-label="Message author"]') || header.querySelector('span.fui-Text');
  return {author: author ? author.innerText.trim() : '', text: body ? body.innerText.trim() : ''};
}).filter(m => m !== null)
"""


def shown(key: str, **values: object) -> str:
    """The start of a catalogue text as the Playground shows it: first paragraph, plain text,
    leading symbols (an emoji) dropped, cut at a word boundary."""
    first = plain(catalogue_text(key, BOT_LOCALE, **values).split("\n\n")[0])
    first = re.sub(r"^\W+", "", first)
    return first if len(first) <= 70 else first[:70].rsplit(" ", 1)[0]


def normalise(text: str) -> str:
    return " ".join(text.split())


def plain(markdown: str) -> str:
    """A catalogue text as the Playground renders it: no markdown emphasis, single spaces."""
    return normalise(re.sub(r"\*\*|__", "", markdown))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(method: str, url: str, body: Any = None, timeout: float = 5.0) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read().decode(errors="replace")


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


class ManagedProcess:
    """A subprocess with its output in a log file; stopped by its own PID, never by name."""

    def __init__(self, name: str, args: list[str], cwd: Path, env: dict[str, str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        self._log: IO[bytes] = log_path.open("wb")
        self.process = subprocess.Popen(
            args,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until(self, ready: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode} before {what}; "
                    f"log {self.log_path}:\n{self.log_text()[-3000:]}"
                )
            if ready():
                return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: no {what} within {timeout:.0f} s; log {self.log_path}")

    def stop(self, timeout: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        self._log.close()


def start_bot(
    data_dir: Path,
    log_path: Path,
    port: int | None = None,
    command: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[ManagedProcess, str]:
    """`python bot.py` from the repo root in local mode; returns the process and its endpoint.
    `env` adds settings (ADMIN_IDS, CENTRAL_CHANNEL_ID, ...) on top of the local-mode ones."""
    port = port or free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATA_DIR": str(data_dir),
        "LOG_FORMAT": "text",
        # Local mode whatever a developer's .env says: the Playground sends no tokens.
        "MicrosoftAppId": "",
        "MicrosoftAppPassword": "",
        "REDIS_URL": "",
        "LANGUAGE": BOT_LANGUAGE,
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    command = command or [str(REPO / ".venv" / "bin" / "python"), "bot.py"]
    bot = ManagedProcess("bot", command, REPO, env, log_path)
    bot.wait_until(lambda: _ready(f"http://127.0.0.1:{port}/healthz"), 30, "healthy /healthz")
    return bot, f"http://127.0.0.1:{port}/api/messages"


def start_playground(
    bot_endpoint: str,
    workdir: Path,
    log_path: Path,
    port: int | None = None,
    config: Path = PLAYGROUND_CONFIG,
) -> tuple[ManagedProcess, str]:
    """The Playground binary itself (one PID), serving the UI on a free port; `config` is the
    repo's `.m365agentsplayground.yml` or a copy with another currentUser (playground_config)."""
    if not PLAYGROUND_BIN.exists():
        raise RuntimeError(f"{PLAYGROUND_BIN} is missing: run `cd deployment/playground && npm ci`")
    port = port or free_port()
    devtools_log = log_path.with_name(f"{log_path.stem}-devtools.log")
    env = {
        **os.environ,
        "TEAMSAPPTESTER_BROWSER": "none",
        "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config),
        "M365_AGENTS_PLAYGROUND_LOGFILE": str(devtools_log),
        "TZ": os.environ.get("TZ", "Europe/Stockholm"),
    }
    args = [str(PLAYGROUND_BIN), "-e", bot_endpoint, "-c", "msteams", "--disable-telemetry", "-p", str(port)]
    playground = ManagedProcess("playground", args, workdir, env, log_path)
    # It falls back to a random port when the asked one is taken: trust its own "Listening on".
    listening: dict[str, int] = {}

    def up() -> bool:
        match = re.search(r"Listening on (\d+)", playground.log_text())
        if match:
            listening["port"] = int(match.group(1))
            return _ready(f"http://127.0.0.1:{listening['port']}/")
        return False

    try:
        playground.wait_until(up, 30, "'Listening on' and a served UI")
    except RuntimeError as exc:
        # A bad .m365agentsplayground.yml: it prints "Listening on", then exits 1 with the
        # reason only in its devTools log file.
        devtools = devtools_log.read_text(errors="replace") if devtools_log.exists() else ""
        reasons = [line for line in devtools.splitlines() if line.startswith("error")]
        raise RuntimeError(f"{exc}\n{devtools_log}:\n" + "\n".join(reasons[-5:])) from None
    return playground, f"http://127.0.0.1:{listening['port']}"


class Playground:
    """Drives the Playground UI as `currentUser` (Anna Lindqvist) and posts as other users.

    Every step has a name; `step()` screenshots after it, and on a failure screenshots with the
    step name and raises an AssertionError that names the step.
    """

    def __init__(
        self,
        playwright: Playwright,
        base_url: str,
        artifacts: Path,
        profile_dir: Path,
        *,
        name: str = "",
        shots: Iterator[int] | None = None,
    ) -> None:
        """`name` tells two UIs of one test apart in artifact names (`NN-<name>-<step>.png`);
        `shots` numbers their screenshots in one sequence."""
        self.base_url = base_url
        self.artifacts = artifacts
        self.name = name
        self.current_step = "start"
        self._shots = shots if shots is not None else itertools.count(1)
        self._mark: Counter[str] = Counter()
        self._mode = "chat"
        self.frames: list[dict[str, Any]] = []
        self.context: BrowserContext = playwright.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
        )
        self.page: Page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.on("websocket", self._on_websocket)
        self.page.route_web_socket(re.compile(r"/_ws_conversation/"), self._teams_card_refresh)
        self._config: dict[str, Any] | None = None

    # --- set-up ----------------------------------------------------------------------------
    def open(self) -> None:
        """Load the UI. Every page load sends installationUpdate + conversationUpdate for the
        personal chat (and for a channel the first time it is opened), so the bot greets again."""
        with self.step("open playground"):
            self.page.goto(self.base_url + "/")
            self.page.get_by_role("treeitem", name="Personal Chat").wait_for()
            self._mode = "chat"

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.context.close()

    @property
    def config(self) -> dict[str, Any]:
        """The Playground's parsed configuration (users, chats, team, channels)."""
        if self._config is None:
            status, body = http_json("GET", self.base_url + "/_internal/v1/config", timeout=20)
            assert status == 200, f"GET /_internal/v1/config answered {status}: {body}"
            self._config = body["config"]
        return self._config

    @property
    def bot_name(self) -> str:
        return str(self.config["bot"]["name"])

    # --- steps, screenshots, failures ------------------------------------------------------
    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.current_step = name
        try:
            yield
        except Exception as exc:
            shot = self.screenshot(f"FAILED-{name}")
            message = str(exc) if str(exc).startswith("[step ") else f"[step {name!r}] {exc}"
            raise AssertionError(f"{message}\n(screenshot: {shot})") from exc
        self.screenshot(name)

    def screenshot(self, step_name: str) -> Path:
        slug = re.sub(r"[^\w-]+", "-", step_name, flags=re.UNICODE).strip("-").lower()[:60]
        who = f"{self.name}-" if self.name else ""
        path = self.artifacts / f"{next(self._shots):02d}-{who}{slug}.png"
        try:
            self.page.screenshot(path=str(path), full_page=True)
        except Exception as exc:  # a dead browser must not hide the real failure
            path.with_suffix(".txt").write_text(f"screenshot failed: {exc}\n")
        return path

    def save_page(self, name: str = "page") -> None:
        suffix = f"-{self.name}" if self.name else ""
        with contextlib.suppress(Exception):
            (self.artifacts / f"{name}{suffix}.html").write_text(self.page.content())
        with contextlib.suppress(Exception):
            (self.artifacts / f"ws-frames{suffix}.json").write_text(
                json.dumps(self.frames, ensure_ascii=False, indent=1)
            )

    # --- navigation ------------------------------------------------------------------------
    def open_personal_chat(self) -> None:
        self.page.get_by_role("treeitem", name="Personal Chat", exact=True).click()
        self.page.locator(COMPOSER).first.wait_for()
        self._mode = "chat"

    def open_group_chat(self) -> None:
        self.page.get_by_role("treeitem", name=self.config["groupChats"][0]["name"], exact=True).click()
        self.page.locator(COMPOSER).first.wait_for()
        self._mode = "chat"

    def open_channel(self, channel: str = "Skyddad identitet – ärenden") -> None:
        team = self.config["teams"][0]["name"]
        self.page.get_by_role("treeitem", name=f"{team} - {channel}", exact=True).click()
        self._new_post_card().wait_for()
        self._mode = "channel"

    def _new_post_card(self) -> Locator:
        # The composer card is the one with the "Post" button (its placeholder goes on typing).
        return (
            self.page.locator(CARD).filter(has=self.page.get_by_role("button", name="Post", exact=True)).first
        )

    # --- sending ---------------------------------------------------------------------------
    def send(self, text: str, *, mention: bool | None = None) -> None:
        """Type into the open conversation and send. In a channel this starts a new post and
        @mentions the bot first (default), as Teams only delivers mentioned channel messages."""
        self.mark()
        if self._mode == "channel":
            composer_card = self._new_post_card()
            editor = composer_card.locator(COMPOSER)
            editor.click()
            if mention is not False:
                self._mention_bot()
            self.page.keyboard.type(text)
            composer_card.get_by_role("button", name="Post", exact=True).click()
        else:
            editor = self.page.locator(COMPOSER).first
            editor.click()
            if mention:
                self._mention_bot()
            self.page.keyboard.type(text)
            self.page.keyboard.press("Enter")

    def reply_in_thread(self, post_text: str, text: str, *, mention: bool = True) -> None:
        """Reply in the channel thread whose post contains `post_text`."""
        self.mark()
        card = self.page.locator(CARD).filter(has_text=post_text).first
        card.locator(COMPOSER).click()
        if mention:
            self._mention_bot()
        self.page.keyboard.type(text)
        card.locator(SEND_BUTTON).click()

    def _mention_bot(self) -> None:
        self.page.keyboard.type("@" + self.bot_name[:3])
        self.page.locator(MENTION_ITEM).filter(has_text=self.bot_name).first.click()
        self.page.keyboard.type(" ")

    def click_card_button(self, title: str, *, card_text: str | None = None) -> None:
        """Click an Action.Submit/Action.Execute button on the newest card (containing
        `card_text`, if given) that has it."""
        self.mark()
        cards = self.page.locator(ADAPTIVE_CARD).filter(has=self.page.locator(f'button[title="{title}"]'))
        if card_text is not None:
            cards = cards.filter(has_text=card_text)
        cards.last.locator(f'button[title="{title}"]').click()

    def fill_card_input(self, label: str, value: str, *, card_text: str | None = None) -> None:
        cards = self.page.locator(ADAPTIVE_CARD)
        if card_text is not None:
            cards = cards.filter(has_text=card_text)
        cards.last.get_by_label(label).fill(value)

    # --- reading ---------------------------------------------------------------------------
    def messages(self) -> list[dict[str, str]]:
        """Every message the open conversation shows: [{"author", "text"}], DOM order."""
        return [
            {"author": normalise(m["author"]), "text": normalise(m["text"])}
            for m in self.page.evaluate(_MESSAGES_JS)
        ]

    def bot_messages(self) -> list[str]:
        return [m["text"] for m in self.messages() if m["author"] == self.bot_name]

    def mark(self) -> None:
        """Remember what the bot has shown so far; waits look only at what comes after."""
        self._mark = Counter(self.bot_messages())

    def new_bot_messages(self) -> list[str]:
        seen = Counter(self._mark)
        fresh = []
        for text in self.bot_messages():
            if seen[text] > 0:
                seen[text] -= 1
            else:
                fresh.append(text)
        return fresh

    def wait_for_bot_text(self, substring: str, timeout: float = 15.0) -> str:
        """The first bot message since the last send/click/mark that contains `substring`
        (whitespace-normalised). Fails naming the step and listing what the bot did say."""
        wanted = normalise(substring)
        deadline = time.monotonic() + timeout
        fresh: list[str] = []
        while True:
            fresh = self.new_bot_messages()
            for text in fresh:
                if wanted in text:
                    return text
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        said = "\n".join(f"  - {t[:300]}" for t in fresh) or "  (nothing new)"
        raise AssertionError(
            f"[step {self.current_step!r}] no bot message containing {wanted!r} within {timeout:.0f} s;"
            f" the bot said:\n{said}"
        )

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
        """Poll `condition` while Playwright delivers page and websocket events."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"[step {self.current_step!r}] {what}: not within {timeout:.0f} s")
            self.page.wait_for_timeout(100)

    def settle(self, quiet: float = 1.5, timeout: float = 10.0) -> list[str]:
        """Wait until no new bot message has appeared for `quiet` seconds; return the new ones."""
        deadline = time.monotonic() + timeout
        last, since = self.new_bot_messages(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now = self.new_bot_messages()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                break
        return last

    # --- acting as someone else ------------------------------------------------------------
    def user(self, name: str) -> dict[str, Any]:
        people = [self.config["currentUser"], *self.config["users"]]
        for person in people:
            if person["name"] == name:
                return dict(person)
        raise KeyError(f"no user {name!r} in the Playground config; have {[p['name'] for p in people]}")

    def conversation(self, conversation_id: str) -> dict[str, Any]:
        """The Bot Framework `conversation` (and channelData) for an id from the config."""
        config = self.config
        tenant = config["tenantId"]
        if conversation_id == config["personalChat"]["id"]:
            return {
                "conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": tenant}
            }
        for chat in config["groupChats"]:
            if conversation_id == chat["id"]:
                return {
                    "conversation": {
                        "id": conversation_id,
                        "conversationType": "groupChat",
                        "isGroup": True,
                        "tenantId": tenant,
                    }
                }
        for team in config["teams"]:
            for channel in team["channels"]:
                if conversation_id.split(";")[0] == channel["id"]:
                    return {
                        "conversation": {
                            "id": conversation_id,
                            "conversationType": "channel",
                            "isGroup": True,
                            "tenantId": tenant,
                            "name": channel["name"],
                        },
                        "channelData": {
                            "tenant": {"id": tenant},
                            "team": {
                                "id": team["id"],
                                "name": team["name"],
                                "aadGroupId": team["aadGroupId"],
                            },
                            "channel": {"id": channel["id"], "name": channel["name"]},
                        },
                    }
        # A conversation made through the connector (create_personal_chat)
        return {"conversation": {"id": conversation_id, "conversationType": "personal", "tenantId": tenant}}

    def create_personal_chat(self, user_name: str) -> str:
        """A 1:1 conversation between the bot and another user, made in the Playground's fake
        connector (POST /v3/conversations). The UI never shows it; read the bot's replies with
        `bot_texts_in(conversation_id)`."""
        person = self.user(user_name)
        status, body = http_json(
            "POST",
            self.base_url + "/_connector/v3/conversations",
            {
                "isGroup": False,
                "bot": {"id": self.config["bot"]["id"], "name": self.bot_name},
                "members": [{"id": person["id"]}],
                "tenantId": self.config["tenantId"],
                "channelData": {"tenant": {"id": self.config["tenantId"]}},
            },
        )
        assert status in (200, 201), f"create conversation answered {status}: {body}"
        return str(body["id"])

    def activity_from(
        self,
        user_name: str,
        conversation_id: str,
        text: str | None = None,
        *,
        mention_bot: bool = False,
        locale: str = PLAYGROUND_LOCALE,
        **fields: Any,
    ) -> dict[str, Any]:
        """A message activity (or any type via type=...) from `user_name` in a conversation."""
        person = self.user(user_name)
        where = self.conversation(conversation_id)
        activity: dict[str, Any] = {
            "type": "message",
            "from": {"id": person["id"], "name": person["name"], "aadObjectId": person["aadObjectId"]},
            "locale": locale,
            "channelData": {"tenant": {"id": self.config["tenantId"]}},
            **where,
        }
        if text is not None:
            if mention_bot:
                tag = f"<at>{self.bot_name}</at>"
                text = f"{tag} {text}"
                activity["entities"] = [
                    {
                        "type": "mention",
                        "text": tag,
                        "mentioned": {"id": self.config["bot"]["id"], "name": self.bot_name},
                    }
                ]
            activity["text"] = text
            activity["textFormat"] = "plain"
        activity.update(fields)
        return activity

    def post_custom_activity(self, activity: dict[str, Any]) -> None:
        """POST a raw activity to the Playground's /_internal/v1/customActivities; it forwards
        it to the bot unchanged, so the defaults a Teams activity needs are filled in here. The
        bot's replies land in that conversation (visible in the UI if it is Anna's)."""
        self.mark()
        body = {
            "id": str(uuid.uuid4()),
            "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "channelId": "msteams",
            "serviceUrl": self.base_url.replace("127.0.0.1", "localhost") + "/_connector",
            "recipient": {"id": self.config["bot"]["id"], "name": self.bot_name},
            **activity,
        }
        status, answer = http_json("POST", self.base_url + "/_internal/v1/customActivities", body)
        assert status == 200, f"[step {self.current_step!r}] customActivities answered {status}: {answer}"

    # --- what Teams does and the Playground does not: user-specific card views ---------------
    def _teams_card_refresh(self, ws: WebSocketRoute) -> None:
        """Show every card as Teams shows it to the current user.

        Teams renders a card that has `refresh` with the current user in `refresh.userIds` by
        invoking that refresh action (an `adaptiveCard/action` invoke) and showing the returned
        card to that user only ("user-specific view"). Playground 0.2.28 does not: its log
        panel warns "User specific view is not supported yet" and shows everyone the shared
        card. The bot relies on it: the shared case card offers only "Jag tar ärendet" / "Ta
        över", and every update of the card in the channel would take the assignee's step
        buttons away. So the page's conversation stream passes through here, and a new or
        updated card with a refresh for this user is replaced by the card the bot answers to
        that refresh — sent through the Playground's own invoke endpoint, exactly as the UI
        sends a click (so it also shows in the log panel). Everything else passes unchanged.
        `ws-frames.json` keeps the stream as the server sent it, plus a "refresh" entry for each
        card replaced here.
        """
        server = ws.connect_to_server()

        def forward(message: str | bytes) -> None:
            try:
                rendered = self._as_teams_renders(message)
            except Exception as exc:  # never lose a frame: the page gets the shared card then
                self.frames.append({"stream": "refresh", "error": repr(exc), "card": False})
                rendered = message
            ws.send(rendered)

        server.on_message(forward)

    def _as_teams_renders(self, message: str | bytes) -> str | bytes:
        try:
            frame = json.loads(message)
        except (TypeError, ValueError):
            return message
        if not isinstance(frame, dict) or frame.get("action") not in ("createMessage", "updateMessage"):
            return message
        posted = frame.get("message")
        if not isinstance(posted, dict):
            return message
        changed = False
        for attachment in posted.get("attachments") or []:
            card = attachment.get("content")
            refresh = card.get("refresh") if isinstance(card, dict) else None
            if not isinstance(refresh, dict) or self.user_id not in (refresh.get("userIds") or []):
                continue
            conversation = self._thread_of(str(frame.get("actionConversationId")), str(posted["messageId"]))
            fresh = self._refresh_card(conversation, str(posted["messageId"]), refresh["action"])
            if fresh is not None:
                attachment["content"] = fresh
                changed = True
        return json.dumps(frame, ensure_ascii=False) if changed else message

    def _thread_of(self, conversation_id: str, message_id: str) -> str:
        """A channel post's own conversation is its thread: "<channel>;messageid=<post>"."""
        channels = {team["id"] for team in self.config["teams"]}
        channels |= {c["id"] for team in self.config["teams"] for c in team["channels"]}
        if conversation_id in channels:
            return f"{conversation_id};messageid={message_id}"
        return conversation_id

    def _refresh_card(self, conversation_id: str, message_id: str, action: dict[str, Any]) -> Any:
        body = {
            "name": "adaptiveCard/action",
            "value": {"action": action, "trigger": "automatic"},
            "from": {"id": self.user_id},
            "conversation": {"id": conversation_id},
            "replyToId": message_id,
        }
        status, answer = http_json("POST", self.base_url + "/_conversation/v1/invoke", body, timeout=10)
        card = answer.get("value") if isinstance(answer, dict) else None
        ok = status == 200 and isinstance(card, dict) and card.get("type") == "AdaptiveCard"
        self.frames.append(
            {
                "stream": "refresh",
                "conversationId": conversation_id,
                "action": action,
                "status": status,
                "card": ok,
            }
        )
        return card if ok else None

    def card_refreshes(self) -> list[dict[str, Any]]:
        """The refresh actions done for this user so far (oldest first), answered with a card."""
        return [f["action"] for f in self.frames if f["stream"] == "refresh" and f["card"]]

    @property
    def user_id(self) -> str:
        return str(self.config["currentUser"]["id"])

    # --- what the bot sent, from the websocket ----------------------------------------------
    def _on_websocket(self, ws: WebSocket) -> None:
        stream = "log" if "/log/stream" in ws.url else "conversation"

        def record(frame: str | bytes) -> None:
            with contextlib.suppress(ValueError, TypeError):
                self.frames.append({"stream": stream, **json.loads(frame)})

        ws.on("framereceived", record)

    def bot_activities_in(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every activity the bot sent to (or updated in) a conversation, as the Playground's
        log stream reports it; this covers conversations the UI does not show."""
        activities = []
        for frame in self.frames:
            log = frame.get("log") or {}
            if frame["stream"] != "log" or log.get("from") != "User Application":
                continue
            if str(log.get("conversationId", "")).split(";")[0] != conversation_id.split(";")[0]:
                continue
            body = (log.get("request") or {}).get("body")
            if isinstance(body, dict):
                activities.append(body)
        return activities

    def bot_texts_in(self, conversation_id: str) -> list[str]:
        """Text (and card JSON) of every activity the bot sent to a conversation."""
        texts = []
        for body in self.bot_activities_in(conversation_id):
            parts = [body.get("text") or ""]
            parts += [json.dumps(a.get("content"), ensure_ascii=False) for a in body.get("attachments") or []]
            texts.append(" ".join(p for p in parts if p))
        return texts

    def wait_for_bot_text_in(
        self, conversation_id: str, substring: str, timeout: float = 15.0, *, since: int = 0
    ) -> str:
        """The first bot message in a conversation (from the `since`-th on) containing `substring`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for text in self.bot_texts_in(conversation_id)[since:]:
                if substring in text:
                    return text
            self.page.wait_for_timeout(200)  # lets Playwright deliver websocket events
        said = "\n".join(f"  - {t[:300]}" for t in self.bot_texts_in(conversation_id)[since:])
        raise AssertionError(
            f"[step {self.current_step!r}] no bot message containing {substring!r} in "
            f"{conversation_id} within {timeout:.0f} s; the bot said:\n{said or '  (nothing new)'}"
        )


class Stack:
    """One test's processes and browsers: a bot, and one Playground + browser per person.

    Several Playgrounds may point at the same bot at once, each with its own currentUser (a
    copy of the yml from `playground_config`): that is how one test has region staff file a
    case in one UI while a central admin works it in another. The bot answers each one at the
    `serviceUrl` of the activity it last got from that person or channel.
    """

    def __init__(self, playwright: Playwright, artifacts: Path, scratch: Path) -> None:
        self.playwright = playwright
        self.artifacts = artifacts
        self.scratch = scratch
        self.endpoint = ""
        self.uis: list[Playground] = []
        self._processes: list[ManagedProcess] = []
        self._shots = itertools.count(1)

    def start_bot(self, env: dict[str, str] | None = None) -> str:
        bot, self.endpoint = start_bot(self.scratch / "data", self.artifacts / "bot.log", env=env)
        self._processes.append(bot)
        return self.endpoint

    def open_ui(self, name: str = "", *, as_user: str | None = None) -> Playground:
        """A Playground on the bot and a browser on it, opened on the personal chat. `as_user`
        makes that person currentUser (default: the yml's, Anna Lindqvist)."""
        suffix = f"-{name}" if name else ""
        config = PLAYGROUND_CONFIG
        if as_user is not None:
            config = write_config_as(as_user, self.scratch / f"config{suffix}" / PLAYGROUND_CONFIG.name)
        server, base_url = start_playground(
            self.endpoint,
            reset_dir(self.scratch / f"playground{suffix}"),
            self.artifacts / f"playground{suffix}.log",
            config=config,
        )
        self._processes.append(server)
        ui = Playground(
            self.playwright,
            base_url,
            self.artifacts,
            self.scratch / f"profile{suffix}",
            name=name,
            shots=self._shots,
        )
        self.uis.append(ui)
        ui.open()
        return ui

    def close(self, failed: bool) -> None:
        for ui in self.uis:
            if failed:
                ui.screenshot(f"failed-after-{ui.current_step}")
            ui.save_page()
            ui.close()
        for process in reversed(self._processes):
            process.stop()


def reset_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
