"""The privacy suites reuse the central team's fixtures (a linked channel, admins, a connector
that knows the team) and add a staff chat in Teams' normal delivery mode, where every card the
bot sends gets an activity id from the connector, as in Teams."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.routing.conftest import Team, connector, team_settings  # noqa: F401 - fixtures
from tests.support.activities import User, personal_activity

PATIENT_ID = "PX7Q9K2M"
EPISODE_ID = "VT-88213-QZ"
SECRETS = (PATIENT_ID, EPISODE_ID)


@dataclass
class TeamsChat:
    """A 1:1 chat whose replies go through the connector (no expectReplies)."""

    team: Team
    user: User

    @property
    def conversation(self) -> str:
        return f"a:personal-{self.user.id}"

    async def send(self, text: str | None = None, **fields: Any) -> list[dict[str, Any]]:
        before = len(self.team.connector.sent)
        activity = personal_activity(self.user, self.team.connector.url, type="message", **fields)
        if text is not None:
            activity["text"] = text
        status, body = await self.team.post(activity)
        assert status in (200, 201), body
        return [a for a in self.team.connector.sent[before:] if a["_conversation"] == self.conversation]

    async def file_type_b(self) -> dict[str, Any]:
        """The whole intake for a type B case, clicking Skicka on the summary card; the card."""
        replies: list[dict[str, Any]] = []
        for answer in ["ny anmälan", "Region Västernorrland", "ja", "ja", PATIENT_ID, EPISODE_ID, "ja"]:
            replies = await self.send(answer)
        summary = next(r for r in replies if r.get("attachments"))
        card = summary["attachments"][0]["content"]
        submit = next(a for a in card["actions"] if a.get("title") == "Skicka")
        await self.send(value=submit["data"], replyToId=summary["id"])
        return summary


def store_files(data_dir: Path) -> dict[str, bytes]:
    """Every file of the embedded store (the database, its WAL and shared-memory index)."""
    return {path.name: path.read_bytes() for path in sorted(data_dir.glob("*")) if path.is_file()}


def leaks(files: dict[str, bytes], secrets: tuple[str, ...] = SECRETS) -> list[tuple[str, str]]:
    """(file, secret) for every identifier found in any case or encoding a store might keep."""
    found = []
    for name, content in files.items():
        for secret in secrets:
            for form in {secret, secret.lower(), secret.upper()}:
                for encoded in (form.encode("utf-8"), form.encode("utf-16-le")):
                    if encoded in content:
                        found.append((name, secret))
    return sorted(set(found))
