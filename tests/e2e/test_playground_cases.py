"""A full case of each type, from the intake to closed, through the real Teams-like client.

Two people, two roles, as in production: staff file a case in their 1:1 chat with the bot, and a
central LifeCare SP administrator works it on the case card in the central channel.

- The Playground's UI always acts as its config's `currentUser`, and the admin steps must be
  clicked by an admin. So the admin gets her own Playground: a copy of the yml with Karin Holm
  as currentUser (`playground_config`, as `PLAYGROUND_AS=admin|both make playground` do), on
  the same bot. The bot's ADMIN_IDS are the yml's two administrators, exactly what `make
  playground` sets, and not the submitter: making the UI user an admin would have the
  submitter approve her own case and prove nothing about who may act.
- Both Playgrounds run at the same time rather than one after the other: a Playground keeps
  chat history only in its browser, so a restarted one would not show the card posted before.
  The bot answers each at the serviceUrl it last saw from that person or channel, so the card
  goes to Karin's UI (she opened the channel) and the notifications to the submitter's.
- Type A is filed by Anna Lindqvist (region staff) typing and clicking in her own UI. Type B is
  filed by Maria Nordin (Sundsvall's municipal staff) through custom activities in a 1:1 chat
  the UI does not show; her notifications are read from the Playground's log stream.
- The Playground does not do Teams' user-specific card views (`refresh.userIds`); the harness
  does what Teams does for Karin (see `Playground._teams_card_refresh`), so after every step
  and every card update Karin sees her own card with her next step on it.

Expected texts come from the Swedish message catalogue (the bot runs with LANGUAGE=sv).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Locator, expect

from messages import text
from tests.e2e.playground import ADAPTIVE_CARD, BOT_LOCALE, Playground, Stack, plain, shown
from tests.e2e.playground_config import central_team_env

pytestmark = pytest.mark.e2e

ADMIN = "Karin Holm"
SERVICENOW = "INC0012345"
CASE_NUMBER = re.compile(r"SID-\d{4}-\d{4}")

# (button on Karin's card, what the thread says afterwards); None = the ServiceNow sub-card.
STEPS_A = [
    ("button_record_call", "event_record_call"),
    ("button_record_address_update_A", "event_record_address_update"),
    ("button_confirm_protected", "event_confirm_protected"),
    ("button_record_process_closed", "event_record_process_closed"),
    (None, "event_record_sent_to_vendor"),
    # The vendor's confirmation is the last click: it closes the case (3.3 step 7).
    ("button_record_vendor_confirmed", "event_record_vendor_confirmed"),
]
LAST_EVENT = "event_record_vendor_confirmed"
# Type B: the patient is found by the care episode's ID, so there is no call to the submitter.
STEPS_B = [
    ("button_record_address_update_B", "event_record_address_update"),
    *STEPS_A[2:],
]


def t(key: str, **values: object) -> str:
    """A catalogue text as the Playground renders it (plain text, single spaces)."""
    return plain(text(key, BOT_LOCALE, **values))


def lead(key: str) -> str:
    """The start of a catalogue text, up to its first placeholder, as the Playground renders it."""
    return plain(text(key, BOT_LOCALE).split("{")[0].split("\n\n")[0]).rstrip(" (")


def raw_fragment(key: str) -> str:
    """The longest piece of a catalogue text's first line outside **bold** and placeholders, as
    it stands in the bot's activity: the log stream carries the raw text."""
    first_line = text(key, BOT_LOCALE).split("\n")[0]
    return max(re.split(r"\*\*|\{\w+\}", first_line), key=len).strip()


def thread_reply(event: str, **values: object) -> str:
    return t("thread_reply", who=ADMIN, what=text(event, BOT_LOCALE, **values))


def start_central_team(stack: Stack) -> Playground:
    """The bot as `make playground` runs it, and Karin Holm's UI on the central channel."""
    stack.start_bot(central_team_env())
    karin = stack.open_ui("karin", as_user=ADMIN)
    with karin.step("Karin opens the central channel"):
        # The first visit installs the bot there; from then on it knows where to post cases.
        karin.open_channel()
        karin.wait_for_bot_text(shown("help_channel"))
    return karin


def case_card(karin: Playground, number: str) -> Locator:
    return karin.page.locator(ADAPTIVE_CARD).filter(has_text=t("case_title", number=number)).first


def recorded(karin: Playground, number: str, reply: str, actions: int, *, closed: bool = False) -> None:
    """The step is done: the thread says so and, while the case is open, the bot's update of the
    card (for `actions` recorded actions or more) has reached Karin as her own view, so the next
    click or an opened sub-card cannot be overtaken by it. The card ends up in view for the
    step's screenshot."""
    karin.wait_for_bot_text(reply)
    if not closed:
        karin.wait_until(
            lambda: any(a["data"]["version"] >= actions for a in karin.card_refreshes()),
            f"the card update after {actions} recorded action(s)",
        )
    case_card(karin, number).scroll_into_view_if_needed()


def work_the_case(
    karin: Playground,
    number: str,
    steps: list[tuple[str | None, str]],
    after_take: Callable[[], None] = lambda: None,
) -> None:
    """Karin clicks the case through on its card in the channel; each click's answer replaces
    the card, and the bot notes each step in the case's thread. `after_take` runs once she
    holds the case."""
    with karin.step(f"the case thread {number} appears in the channel"):
        card = karin.wait_for_bot_text(t("case_title", number=number))
        assert t("case_unassigned") in card and t("button_take") in card, card
        case_card(karin, number).scroll_into_view_if_needed()
        # Only type A phones the submitter (3.3); 4.3 has no call, and says the episode was documented.
        # The Playground names an Action.OpenUrl button by aria-label and puts its URL in `title`.
        calls = case_card(karin, number).locator('button[aria-label^="Ring "]')
        if steps is STEPS_B:
            expect(calls).to_have_count(0)
            assert t("case_documented_value") in card, card
        else:  # the call link by the UPN the Playground's member info gives (Teams documents users=<UPN>)
            expect(calls).to_have_count(1)
            assert re.search(r"l/call/0/0\?users=[^\s]+@", calls.get_attribute("title") or ""), card
    with karin.step("Karin takes the case"):
        karin.click_card_button(t("button_take"), card_text=number)
        recorded(karin, number, thread_reply("event_take"), 1)
        expect(case_card(karin, number)).to_contain_text(t("case_assigned_to_you"))
    after_take()
    for actions, (button, event) in enumerate(steps, start=2):  # taking it was the first action
        if button is None:
            with karin.step("Karin types the ServiceNow number"):
                karin.click_card_button(t("button_record_sent_to_vendor"), card_text=number)
                karin.fill_card_input(t("input_servicenow_label"), SERVICENOW, card_text=number)
                case_card(karin, number).get_by_label(
                    t("input_servicenow_label")
                ).scroll_into_view_if_needed()
            with karin.step("Karin registers the case as sent to the vendor"):
                karin.click_card_button(t("button_confirm_sent"), card_text=number)
                recorded(karin, number, thread_reply(event, detail=SERVICENOW), actions)
            continue
        with karin.step(f"Karin: {t(button)}"):
            karin.click_card_button(t(button), card_text=number)
            recorded(karin, number, thread_reply(event), actions, closed=event == LAST_EVENT)
    with karin.step("the closed case's card has no buttons left"):
        card_now = case_card(karin, number)
        expect(card_now).to_contain_text(t("outcome_closed"))
        expect(card_now).to_contain_text(SERVICENOW)
        expect(card_now.locator("button")).to_have_count(0)


def test_type_a_filed_in_the_ui_by_region_staff_and_closed_by_an_admin(stack: Stack) -> None:
    karin = start_central_team(stack)
    anna = stack.open_ui("anna")  # the yml's currentUser: Anna Lindqvist, region staff
    patient_id = "P48213"

    with anna.step("Anna starts a report"):
        anna.wait_for_bot_text(shown("greeting"))
        anna.send("ny anmälan")
        anna.wait_for_bot_text(t("ask_org_kind"))
    # The choice prompts' buttons are imBack, which Playground 0.2.28 does not support (it says
    # so under the card): Anna types the choice, as she could in Teams.
    with anna.step("Anna: the region, no ongoing care episode"):
        anna.send(t("choice_region"))
        anna.wait_for_bot_text(t("ask_has_episode"))
        anna.send(t("no"))
        anna.wait_for_bot_text(lead("ask_patient_id"))
    with anna.step("Anna types the Patient ID and confirms protected identity"):
        anna.send(patient_id)
        anna.wait_for_bot_text(t("ask_protected"))
        anna.send(t("yes"))
        summary = anna.wait_for_bot_text(t("summary_title"))
        assert patient_id in summary and t("kind_A") in summary, summary
    with anna.step("Anna sends the report from the summary card"):
        anna.click_card_button(t("button_submit"), card_text=t("summary_title"))
        thanks = anna.wait_for_bot_text(lead("submitted_A"))
        found = CASE_NUMBER.search(thanks)
        assert found, thanks
        number = found.group()
        assert thanks == t("submitted_A", number=number), thanks  # type A: "we will call you"
        anna.wait_for_bot_text(t("notify_received", number=number))

    def anna_sees_who_handles_it() -> None:
        with anna.step("Anna is told Karin Holm took it"):
            taken = anna.wait_for_bot_text(t("notify_taken", number=number, name=ADMIN))
            assert patient_id not in taken
        with anna.step("mina ärenden: Karin Holm handles it, and the step in plain words"):
            anna.send("mina ärenden")
            mine = anna.wait_for_bot_text(t("my_cases_title"))
            step = text("mine_step_received_A", BOT_LOCALE)
            assert t("mine_assigned", name=ADMIN, step=step) in mine, mine
            assert "Region Västernorrland" in mine and t("kind_A") in mine and patient_id not in mine, mine

    work_the_case(karin, number, STEPS_A, after_take=anna_sees_who_handles_it)

    with anna.step("Anna was told the case was closed"):
        closed = anna.wait_for_bot_text(t("notify_closed", number=number))
        assert patient_id not in closed  # notifications name the case, never the patient


def test_type_b_filed_by_municipal_staff_and_closed_by_an_admin(stack: Stack) -> None:
    karin = start_central_team(stack)
    maria = "Maria Nordin"  # Sundsvall's municipal staff; she talks to the bot in her own 1:1 chat
    chat = karin.create_personal_chat(maria)
    patient_id, episode_id = "P70351", "VT-2026-0077"

    def maria_says(words: str | None, expect_key: str, value: dict[str, Any] | None = None) -> str:
        """Maria's next message (or card click: a message with `value`, as Action.Submit sends);
        the bot's answer, which must contain a piece of the catalogue text `expect_key`."""
        seen = len(karin.bot_texts_in(chat))
        activity = karin.activity_from(maria, chat, words)
        if value is not None:
            activity["value"] = value
        karin.post_custom_activity(activity)
        return karin.wait_for_bot_text_in(chat, raw_fragment(expect_key), since=seen)

    with karin.step("Maria files a type B report in her 1:1 chat"):
        maria_says("ny anmälan", "ask_org_kind")
        maria_says(t("choice_municipality"), "ask_municipality")
        # All seven municipalities are on one choice list (Teams shows at most 6 buttons); she
        # picks hers and clicks Välj, as Action.Submit sends it.
        question = next(
            attachment["content"]
            for activity in reversed(karin.bot_activities_in(chat))
            for attachment in activity.get("attachments") or []
            if text("ask_municipality", BOT_LOCALE) in str(attachment.get("content"))
        )
        (choices,) = [b for b in question["body"] if b["type"] == "Input.ChoiceSet"]
        assert len(choices["choices"]) == 7 and len(question["actions"]) == 1, question
        assert choices["choices"][0]["title"] == "1. Sundsvalls kommun", choices
        picked = {**question["actions"][0]["data"], "choice": choices["choices"][0]["value"]}
        maria_says(None, "ask_has_episode", value=picked)
        maria_says(t("yes"), "ask_documented")
        maria_says(t("yes"), "ask_patient_id")
        maria_says(patient_id, "ask_episode_id")
        maria_says(episode_id, "ask_protected")
        maria_says(t("yes"), "summary_title")
        card = next(
            attachment["content"]
            for activity in reversed(karin.bot_activities_in(chat))
            for attachment in activity.get("attachments") or []
            if text("summary_title", BOT_LOCALE) in str(attachment.get("content"))
        )
        assert patient_id in str(card) and text("kind_B", BOT_LOCALE) in str(card), card
        submit = next(a for a in card["actions"] if a["title"] == text("button_submit", BOT_LOCALE))
        thanks = maria_says(None, "submitted_B", value=submit["data"])  # she clicks Skicka
        found = CASE_NUMBER.search(thanks)
        assert found, thanks
        number = found.group()
        assert thanks == text("submitted_B", BOT_LOCALE, number=number), thanks  # type B: no call
        karin.wait_for_bot_text_in(chat, text("notify_received", BOT_LOCALE, number=number))

    work_the_case(karin, number, STEPS_B)

    with karin.step("Maria was told the case was taken and closed"):
        taken = karin.wait_for_bot_text_in(chat, text("notify_taken", BOT_LOCALE, number=number, name=ADMIN))
        closed = karin.wait_for_bot_text_in(chat, text("notify_closed", BOT_LOCALE, number=number))
        assert patient_id not in taken + closed and episode_id not in taken + closed
