"""One composition: everything tests, drills, benchmarks and `make e2e` run is built by
`bot.create_app` (as `make run` is). A test graph assembled by hand once hid a production bug
(a 403 path that worked only without the real turn-error handler), so a second graph fails here."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from bot import create_app

ROOT = Path(__file__).parents[2]
# What only the wiring (app.py) may construct: the adapter, the sender, the worker, the jobs,
# the triggers and the services they share.
GRAPH = frozenset(
    {
        "CloudAdapter",
        "FixedCloudAdapter",
        "create_adapter",
        "ProactiveSender",
        "OutboxWorker",
        "build_app_services",
        "App",
        "SkyddadIdBot",
        "CaseService",
        "Outbox",
        "ReminderPlanner",
        "ReminderDelivery",
        "Routing",
        "CaseThreads",
        "CaseActions",
        "CardActions",
        "ChannelCommands",
        "CentralTeam",
        "OverdueCommand",
        "PersonalChat",
        "Deliveries",
        "DeliveryProblems",
        "ServiceNowClient",
        "ServiceNowJobs",
        "ServiceNowCallback",
    }
)


def _called_names(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else ""
            )
            found.append((name, node.lineno))
    return found


def _python_files(*folders: str) -> list[Path]:
    return [path for folder in folders for path in sorted((ROOT / folder).rglob("*.py"))]


def test_tests_benchmarks_and_scripts_build_nothing_of_the_graph_themselves():
    built = [
        f"{path.relative_to(ROOT)}:{line} {name}()"
        for path in _python_files("tests", "bench", "scripts")
        for name, line in _called_names(path)
        if name in GRAPH
    ]
    assert built == [], "build the app with bot.create_app(settings, clock=...) instead"


def test_create_app_is_the_only_caller_of_the_wiring():
    production = [
        ROOT / "bot.py",
        ROOT / "app.py",
        *_python_files("adapters", "domain", "dialogs", "cards", "handlers", "jobs", "messages"),
    ]
    callers = [
        str(path.relative_to(ROOT))
        for path in production
        for name, _ in _called_names(path)
        if name == "build_app_services"
    ]
    assert callers == ["bot.py"]


def test_only_settings_and_the_clock_can_be_given_to_create_app():
    assert list(inspect.signature(create_app).parameters) == ["settings", "clock"]
