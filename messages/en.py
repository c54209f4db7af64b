"""English texts, used when the Teams locale is English."""

MESSAGES: dict[str, str] = {
    "greeting": (
        "Hi! I am **Skyddad ID** (Protected ID), the bot for LifeCare SP in Region Västernorrland.\n\n"
        "When a patient has been given **protected identity** I help you report it, so that the "
        "LifeCare SP administration can remove the patient from the system.\n\n"
        "Type **new report** to start, **my cases** to see your cases or **help** for more. "
        "Never give a personal identity number – only the Patient ID."
    ),
    "help": (
        "**How Skyddad ID works**\n\n"
        "- **new report** – report a patient with protected identity. I ask for the patient's "
        "**Patient ID** in LifeCare SP and, for an ongoing care episode, the episode's ID.\n"
        "- **my cases** – see where your cases are and who handles them; you can also withdraw one "
        "there.\n"
        "- **cancel** – stop what you are doing.\n\n"
        "I **never** accept a personal identity number (personnummer) or coordination number "
        "(samordningsnummer). The administration phones you if they need it."
    ),
    "help_channel": (
        "**Skyddad ID in the administration channel**\n\n"
        "- @Skyddad ID **link channel** – make this the central case channel (admins only).\n"
        "- @Skyddad ID **reminders** – list cases that have waited too long.\n"
        "- @Skyddad ID **statistics** – cases filed, outcomes and lead times of the last 12 "
        "months; or a period: **statistics 2026**, **statistics 2026-11**, "
        "**statistics 2026-01 to 2026-06**, **statistics 6 months**, **statistics this year**, "
        "**statistics last month** (admins only).\n"
        "- @Skyddad ID **overview** – every open case, most urgent first (admins only).\n\n"
        "Every case gets its own thread with a card where the steps are acknowledged."
    ),
    "unknown_command": "I did not understand that. Type **new report**, **my cases** or **help**.",
    "error_generic": "Something went wrong on my side. Nothing you wrote was saved – please try again shortly.",
    "error_conflict": "Your previous message was still being handled. Please send this one again.",
    "error_write_unknown": (
        "I lost contact with my storage while saving and cannot confirm whether it went through. "
        "Please try again shortly – the same report or step is never recorded twice."
    ),
    "error_intake_limit": (
        "You have filed {limit} reports in the last hour, which is the limit. Your report is kept – "
        "press **Send** again in a while, or call the administration if it is urgent."
    ),
    "error_too_many_turns": "You are sending a great many messages right now. Please wait a minute and try again.",
    "error_store_unavailable": (
        "I cannot reach my storage right now. Nothing was saved or sent – please try again shortly."
    ),
    "error_unknown_verb_title": "Unknown action",
    "error_unknown_verb": "The card sent an action I do not know. Nothing was changed.",
    "error_tenant": "This bot is only used within Region Västernorrland's organisation.",
    "guard_refused": (
        "⚠️ Your message contains what looks like a **personal identity number (personnummer) or "
        "coordination number (samordningsnummer)**. I do not accept such numbers: the patient has "
        "protected identity and the number must not be stored or passed on here.\n\n"
        "Give the patient's **Patient ID** from LifeCare SP instead. The administration phones you "
        "if the personnummer is needed.\n\n"
        "**Delete your message** in Teams (… → Delete). I have kept nothing of it."
    ),
    "guard_refused_channel": (
        "⚠️ Your message contains what looks like a **personal identity number (personnummer) or "
        "coordination number (samordningsnummer)**. Such numbers must not be stored or passed on in "
        "Teams, so I have kept nothing of it.\n\n"
        "**Delete your message** in Teams (… → Delete)."
    ),
    "guard_refused_card": (
        "What you typed on the card looks like it contains a personal identity number (personnummer) "
        "or coordination number (samordningsnummer). Such numbers are not accepted, so nothing was "
        "saved or changed. Fill in the card again without the number – a reason or ServiceNow number "
        "never needs a personnummer."
    ),
    "ask_reuse_org": "Last time you said you work at **{org}**. Is that still right?",
    "ask_org_kind": "Do you work in the **region** or in a **municipality**?",
    "choice_region": "Region Västernorrland",
    "choice_municipality": "Municipality",
    "ask_municipality": "Which municipality do you work in?",
    "choice_list_error": "Pick one of the options in the list.",
    "choice_list_hint": "You can also type the name or the number.",
    "button_choose": "Choose",
    "yes": "Yes",
    "no": "No",
    "choice_retry": "Please pick one of the options (you can also answer with its number).",
    "ask_has_episode": "Does the patient have an **ongoing care episode** in LifeCare SP?",
    "ask_documented": (
        "Have you **documented the necessary information about the ongoing care episode** according "
        "to your unit's routine for people with protected identity?"
    ),
    "document_first": (
        "Please do that first: document the necessary information about the care episode according "
        "to your unit's routine for people with protected identity. What you answered so far is "
        "saved – type **new report** when you are done and we continue where we left off."
    ),
    "ask_patient_id": (
        "Give the patient's **Patient ID** in LifeCare SP ({hint}).\n\n"
        "Do **not** give a personal identity number or coordination number."
    ),
    "ask_episode_id": "Give the **ID of the current care episode** ({hint}).",
    "id_empty": "I got no ID. Please type it as text.",
    "id_identity_number": (
        "That looks like a personal identity number (personnummer) or coordination number, which I "
        "do not accept. Give the patient's Patient ID from LifeCare SP."
    ),
    "id_too_long": "That is too long to be an ID (at most {max} characters).",
    "id_bad_format_patient": "That does not look like a Patient ID. The format is: {hint}.",
    "id_bad_format_episode": "That does not look like a care-episode ID. The format is: {hint}.",
    "attempts_help": "Need help? Type **help**, or **cancel** to stop the report.",
    "ask_protected": "Confirm that the patient has **protected identity**.",
    "not_protected": (
        "Then this routine does not apply: only patients with protected identity are removed from "
        "LifeCare SP. The report is cancelled and nothing was saved."
    ),
    "summary_title": "Check your report",
    "summary_intro": "Is everything right? Send the report to the LifeCare SP administration.",
    "summary_org": "Organisation",
    "summary_kind": "Case type",
    "kind_A": "No ongoing care episode",
    "kind_B": "Ongoing care episode",
    "summary_patient_id": "Patient ID",
    "summary_episode_id": "Care-episode ID",
    "summary_protected": "Protected identity",
    "summary_documented": "Care episode documented",
    "button_submit": "Send",
    "button_change": "Change",
    "button_cancel": "Cancel",
    "change_what": "What do you want to change?",
    "summary_reprompt": "Please use the card's buttons: **Send**, **Change** or **Cancel**.",
    "submitted_title": "Report sent – {number}",
    "submitted_A": (
        "Thank you! Case **{number}** has been sent to the LifeCare SP administration.\n\n"
        "**Next:** the administration will **phone you** for the patient's personal identity number – "
        "give it by phone only, never here. You will hear from me when the case is taken and closed."
    ),
    "submitted_B": (
        "Thank you! Case **{number}** has been sent to the LifeCare SP administration.\n\n"
        "**Next:** the administration finds the patient by the care-episode ID, so **no phone call "
        "is needed**. You will hear from me when the case is taken and closed."
    ),
    "submitted_A_municipal": (
        "Thank you! Case **{number}** has been sent to **{org} förvaltning** (the municipality's "
        "LifeCare SP administration), which passes it on to the central LifeCare SP administration.\n\n"
        "**Next step:** the administration **phones you** for the patient's personnummer – give it "
        "by phone only, never here. You will hear here when the case is passed on, taken and closed."
    ),
    "submitted_B_municipal": (
        "Thank you! Case **{number}** has been sent to **{org} förvaltning** (the municipality's "
        "LifeCare SP administration), which passes it on to the central LifeCare SP administration.\n\n"
        "**Next step:** the administration finds the patient by the care episode's ID, so **no phone "
        "call is needed**. You will hear here when the case is passed on, taken and closed."
    ),
    "already_submitted": "This report has already been sent as case **{number}**.",
    "stale_card": "This card belongs to a report that is no longer active. Type **new report** to start again.",
    "cancelled": "OK, I have cancelled. Nothing was sent.",
    "nothing_to_cancel": "There is nothing to cancel.",
    "intake_expired": (
        "Your unfinished report was older than {hours} hours and has been removed. Type **new report** "
        "to start again."
    ),
    "intake_in_progress": "You are in the middle of a report – answer the question above, or type **cancel**.",
    "resume_intake": "Welcome back! Let us continue your unfinished report.",
    "my_cases_none": "You have not reported any cases.",
    "my_cases_title": "Your cases",
    "my_cases_more": "… and {count} older cases.",
    "mine_heading": "**{number}** · {org}",
    "mine_meta": "{kind} · reported {date}",
    "mine_awaiting_forward": "With {org} förvaltning – to be passed on to the central LifeCare SP administration",
    "mine_unassigned": "Received by the LifeCare SP administration – waiting for an administrator",
    "mine_unassigned_step": "Waiting for a new administrator – {step}",
    "mine_assigned": "Handled by {name} – {step}",
    "mine_step_received_A": "the administration phones you for the patient's personnummer",
    "mine_step_received_B": "the administration looks the patient up by the care episode's ID",
    "mine_step_called_submitter": "the patient is looked up and the address updated",
    "mine_step_address_updated": "the protected identity is being checked in LifeCare SP",
    "mine_step_identity_verified": "protected identity confirmed – the process is being closed in LifeCare SP",
    "mine_step_process_closed": "the process is closed in LifeCare SP – the case goes to the vendor for deletion",
    "mine_step_sent_to_vendor": "sent to the vendor – waiting for the data to be deleted",
    "mine_step_vendor_confirmed": "the vendor has deleted the data – the case is being closed",
    "mine_step_servicenow_pending": "the case is being created for the vendor in ServiceNow",
    "mine_step_vendor_reported": "the vendor reports the data deleted – the administration confirms",
    "mine_closed": "✅ Done {date}: the vendor has deleted the patient's data from LifeCare SP",
    "mine_rejected": "Closed {date}: the administration could not see that the patient has protected identity",
    "mine_withdrawn": "Withdrawn by you {date}",
    "button_withdraw_pick": "Withdraw a case",
    "input_withdraw_label": "Which case do you want to withdraw?",
    "button_withdraw_next": "Withdraw …",
    "withdraw_confirm_title": "Withdraw case {number}?",
    "withdraw_confirm_body": (
        "The administration stops working on the case and is told. This cannot be undone – if it is "
        "needed again, make a new report."
    ),
    "button_withdraw_yes": "Yes, withdraw",
    "button_withdraw_no": "No, keep it",
    "withdraw_kept": "OK, case **{number}** stays as it is.",
    "withdrawn": "Case **{number}** is withdrawn. The administration has been told.",
    "withdraw_already": "Case **{number}** is already withdrawn.",
    "withdraw_too_late": "Case **{number}** can no longer be withdrawn – it has already been sent to the vendor for deletion.",
    "withdraw_closed": "Case **{number}** is already closed and cannot be withdrawn.",
    "withdraw_unknown": "I find no case **{number}** that you reported. Type **my cases** to see yours.",
    # --- the central team: case cards, steps 3.3 / 4.3, routing ----------------------------------
    "case_title": "Case {number}",
    "case_kind_A": "Type A – no ongoing care episode (3.3)",
    "case_kind_B": "Type B – ongoing care episode (4.3)",
    "case_submitted_by": "Reported by {mention}",
    "case_received": "Received",
    "case_received_value": "{when} ({age})",
    "age_now": "just now",
    "age_minutes": "{n} min ago",
    "age_hours": "{n} h ago",
    "age_days": "{n} days ago",
    "case_assignee": "Assignee",
    "case_documented": "Care episode",
    "case_documented_value": "documented per the unit's routine (4.1/4.2), says the submitter",
    "case_unassigned": "nobody yet",
    "case_next_step": "Next step",
    "case_outcome": "Outcome",
    "case_servicenow": "ServiceNow",
    "case_reason": "Reason",
    "case_vendor_report": "Vendor's answer",
    "case_history": "History",
    "case_history_line": "{when} · {who} · {what}",
    "case_call_hint": (
        "Phone the reporter and ask for the patient's personnummer. It is given **by phone only** – never in Teams."
    ),
    "case_assigned_to_you": "You have this case.",
    "case_assigned_to_other": "**{name}** has this case. You can take it over.",
    "next_awaiting_forward": "The municipal administration forwards the case to the central administration",
    "next_received_A": "Phone the reporter for the personnummer (by phone only)",
    "next_received_B": "Search the patient by care-episode ID and update the address against the population register",
    "next_called_submitter": "Search the patient by personnummer and update the address against the population register",
    "next_address_updated": "Check that the patient has protected identity (confidentiality stamp)",
    "next_identity_verified": "Close the process in LifeCare SP from the overview",
    "next_process_closed": "Send the case to the vendor via ServiceNow",
    "next_sent_to_vendor": (
        "Wait for the vendor to confirm the deletion in ServiceNow; recording the confirmation closes "
        "the case"
    ),
    "next_vendor_confirmed": "Close the case (the vendor has already confirmed the deletion)",
    "next_servicenow_pending": "The bot creates the ServiceNow ticket – its number shows here when done",
    "next_vendor_reported": (
        "The vendor resolved the ServiceNow ticket. Read the answer and confirm that the data is deleted; "
        "that closes the case"
    ),
    "outcome_closed": "Closed – the vendor has deleted the patient's data",
    "outcome_rejected": "Closed – the patient does not have protected identity",
    "outcome_withdrawn": "Withdrawn by the reporter",
    # --- retention purge (domain/retention.py) ------------------------------------------------
    "purged_title": "Case {number} – ended",
    "purged_personal_title": "Report {number}",
    "purged_outcome": "Outcome",
    "purged_ended": "Ended",
    "purged_note": (
        "The Patient ID, the care-episode ID and free text were deleted from the bot (retention "
        "after the case ended). Case number, type, organisation, times and who did what are kept."
    ),
    "expired_intake_title": "Unfinished report – deleted",
    "expired_intake_body": "The report was not sent and was left too long. Its details, including the Patient ID, have been deleted.",
    "cancelled_intake_title": "Report cancelled",
    "cancelled_intake_body": "The report was not sent. Its details, including the Patient ID, have been deleted.",
    "intake_expired_purged": (
        "Your unfinished report was left too long and has been deleted, including the patient's "
        "Patient ID. Type **new report** to start again."
    ),
    "event_forward": "forwarded the case to the central administration",
    "event_take": "took the case",
    "event_reassign": "gave the case to {detail}",
    "event_unassign": "released the case",
    "event_record_call": "phoned the reporter",
    "event_record_address_update": "searched the patient and updated the address against the population register",
    "event_confirm_protected": "confirmed protected identity (confidentiality stamp)",
    "event_reject_not_protected": "closed the case: the patient does not have protected identity",
    "event_record_process_closed": "closed the process in LifeCare SP",
    "event_record_sent_to_vendor": "sent the case to the vendor ({detail})",
    "event_record_vendor_confirmed": "noted that the vendor has deleted the data – the case is closed",
    "event_request_servicenow": "asked the bot to create the vendor's ServiceNow ticket",
    "event_servicenow_failed": "could not create the ServiceNow ticket ({detail}) – send it manually",
    "event_servicenow_extra": "created {detail} in ServiceNow while the number was typed in by hand – {detail} is not needed: close it in ServiceNow",
    "event_record_vendor_report": "read in ServiceNow that the vendor resolved the ticket – read the answer on the card, confirm the deletion and close",
    "event_close": "closed the case",
    "event_withdraw": "withdrew the case",
    "thread_reply": "**{who}** {what}.",
    "button_forward": "Forward to the central administration",
    "button_take": "I'll take it",
    "button_take_over": "Take over",
    "button_record_call": "I have phoned the reporter",
    "button_record_address_update_A": "Searched by personnummer, address updated",
    "button_record_address_update_B": "Searched by care-episode ID, address updated",
    "button_confirm_protected": "Protected identity confirmed",
    "button_reject_not_protected": "Not protected",
    "button_record_process_closed": "Process closed in LifeCare SP",
    "button_record_sent_to_vendor": "Sent to the vendor",
    "button_record_vendor_confirmed": "The vendor has deleted it – close",
    "button_request_servicenow": "Create ticket in ServiceNow",
    "button_close": "Close the case",
    "button_reassign": "Give to someone else",
    "button_unassign": "Release the case",
    "button_call": "Call {name} in Teams",
    "button_confirm_reject": "Close as not protected",
    "button_confirm_sent": "Record",
    "button_confirm_reassign": "Give the case",
    "vendor_request_intro": "Create a ServiceNow case for the vendor with this text:",
    "vendor_request_text": (
        "Patient ID: {patient_id}\n"
        "Patienten har skyddad identitet. All information om patienten ska därför raderas ur LifeCare SP."
    ),
    "input_servicenow_label": "ServiceNow number",
    "input_servicenow_error": "Give the ServiceNow number, e.g. INC0012345.",
    "input_reason_label": "Why does the patient not have protected identity? (no personnummer or Patient ID)",
    "input_reason_error": "Give a reason.",
    "input_assignee_label": "To whom?",
    "note_stale": "The card was out of date – this is the current state. Nothing was changed.",
    "note_conflict": "Someone else got there first – this is the current state.",
    "note_not_allowed": "That cannot be done right now – this is the current state. Nothing was changed.",
    "note_servicenow_invalid": "That does not look like a ServiceNow number (e.g. INC0012345). Nothing was changed.",
    "note_reason_required": "Give a reason (at most {max} characters). Nothing was changed.",
    "note_assignee_unknown": "Pick an administrator from the list. Nothing was changed.",
    "servicenow_short_description": "Deletion from LifeCare SP – patient with protected identity ({number})",
    "refused_title": "Not allowed",
    "refused_not_admin": "Only the LifeCare SP administrators can handle cases. Nothing was changed.",
    "refused_wrong_conversation": (
        "A case is handled only in its own thread in the administration channel. Nothing was changed."
    ),
    "refused_no_such_case": "The case does not exist. Nothing was changed.",
    "refused_unknown_verb": "The card sent an action I do not know. Nothing was changed.",
    "refused_invalid_data": "The card sent data I cannot read. Nothing was changed – open the case's latest card.",
    "forwarded_title": "Case {number} – forwarded",
    "forwarded_body": "The case has been forwarded to the central LifeCare SP administration, which handles it.",
    "link_done": "Done! This channel is now **the central case channel**. Every new case gets its own thread here.",
    "link_refused": "Only the administrators can link the channel. Nothing was changed.",
    "link_wrong_team": (
        "The case channel can only be linked in the central LifeCare SP administration's team. Nothing was changed."
    ),
    "link_not_channel": "Type **link channel** in the team channel that should receive the cases.",
    "notify_received": "Your case **{number}** has been received by the LifeCare SP administration.",
    "notify_received_municipal": (
        "Your case **{number}** has been received by **{org} förvaltning** (the municipality's "
        "LifeCare SP administration). They pass it on to the central LifeCare SP administration – "
        "you will hear here when they have."
    ),
    "notify_forwarded": (
        "Your case **{number}** has been passed on from {org} förvaltning to the central LifeCare SP "
        "administration, which handles it now."
    ),
    "notify_taken": "Your case **{number}** is now handled by {name}.",
    "notify_rejected": (
        "Case **{number}** is closed: the administration could not see that the patient has protected identity "
        "in LifeCare SP. Reason: {reason}\n\n"
        "**What to do now:** check the protected-identity information according to your unit's routine. "
        "If the patient does have protected identity, file a **new report**; otherwise nothing more is needed."
    ),
    "notify_closed": "Case **{number}** is done: the vendor has deleted the patient's data from LifeCare SP.",
    # --- reminders and delivery problems (proactive: the case number only, never patient ids) ---
    "reminder_unassigned_channel": "⏰ Case **{number}** has no assignee yet. Who takes it?",
    "reminder_step_idle_assignee": "⏰ Reminder: case **{number}** is waiting for your next step.",
    "reminder_step_idle_channel": "⏰ Case **{number}** has stalled – the next step is with {assignee}.",
    "reminder_vendor_wait_assignee": (
        "⏰ Reminder: the vendor has not confirmed the deletion for case **{number}**. "
        "Follow up the ServiceNow ticket."
    ),
    "reminder_vendor_wait_channel": (
        "⏰ Case **{number}** is still waiting for the vendor's confirmation – follow up the ServiceNow ticket."
    ),
    "reminder_awaiting_forward_channel": (
        "⏰ Case **{number}** has not been forwarded to the LifeCare SP team yet."
    ),
    "reminder_escalation": "🔺 Case **{number}** has been reminded {count} times without progress. {mentions}",
    "delivery_problem": "⚠️ **Delivery problem – {number}:** {what} to {target} did not arrive ({reason}). {advice}",
    "delivery_what_card": "The case card",
    "delivery_what_reply": "A line in the case thread",
    "delivery_what_notice": "The notice",
    "delivery_what_reminder": "The reminder",
    "delivery_what_update": "The case card update",
    "delivery_what_servicenow": "The vendor's ticket",
    "delivery_what_servicenow_poll": "The check for the vendor's answer",
    "delivery_target_servicenow": "ServiceNow",
    "delivery_advice_servicenow": (
        "Create the ticket in ServiceNow by hand with the text on the card and record its number (*Sent to "
        "the vendor*), and ask IT to check the bot's ServiceNow sign-in."
    ),
    "delivery_advice_servicenow_poll": "Follow the ServiceNow ticket up by hand; the bot asks again later.",
    "delivery_target_user": "{name} in their 1:1 chat",
    "delivery_target_thread": "the thread of **{number}**",
    "delivery_target_channel": "the channel",
    "delivery_reason_status": "error {status}",
    "delivery_reason_no_reference": "no stored conversation – the bot must be installed and have received a message",
    "delivery_reason_gave_up": "gave up after {attempts} attempts: {error}",
    "delivery_advice_user": (
        "Tell {name} some other way and ask them to add the Skyddad ID app again and say *hi* to the "
        "bot; until then the bot cannot reach them."
    ),
    "delivery_advice_channel": "Check that the Skyddad ID app is still in the team and the thread was not deleted.",
    "delivery_advice_retry": (
        "The message will not be sent again: pass it on some other way and ask IT to check the bot's "
        "connection to Teams."
    ),
    # --- @bot reminders -----------------------------------------------------------------------
    "reminders_central_only": "**reminders** works only in the central team's channel.",
    "reminders_none": "Nothing is overdue right now. 👍",
    "reminders_title": "**Overdue cases ({count})**",
    "reminders_line": "- **{number}** – {what} · {hours} business hours overdue",
    "reminders_line_assigned": "- **{number}** – {what} · {assignee} · {hours} business hours overdue",
    "reminders_more": "- … and {count} more",
    "reminders_problems_title": "**Delivery problems ({count})**",
    "reminders_problem_line": "- **{number}** – {what} to {target} · {reason}",
    "reminder_kind_unassigned": "no assignee",
    "reminder_kind_step_idle": "next step waiting",
    "reminder_kind_vendor_wait": "waiting for the vendor",
    "reminder_kind_awaiting_forward": "not forwarded by the municipality",
    "case_reminder": "Reminder",
    "case_reminder_next": "next {when}",
    "case_reminder_overdue": "⚠️ overdue by {hours} business hours – next reminder {when}",
    # --- statistics (handlers/stats_command.py, cards/stats_card.py) -------------------------
    "stats_central_only": "**statistics** works only in the administration channel.",
    "stats_refused": "Only the administration's admins can see the statistics.",
    "stats_period_unknown": (
        "I did not understand the period. Type for example **statistics** (the last 12 months), "
        "**statistics 2026**, **statistics 2026-11**, **statistics 2026-01 to 2026-06**, "
        "**statistics 6 months**, **statistics this year** or **statistics last month**."
    ),
    "stats_period_too_long": "The statistics show at most 36 months at a time – pick a shorter period.",
    "stats_title": "Statistics {period}",
    "stats_summary": (
        "**{filed}** cases filed (type A {a}, type B {b}) · **{closed}** closed · "
        "**{rejected}** not protected · **{withdrawn}** withdrawn"
    ),
    "stats_none": "No case was filed or ended in this period.",
    "stats_filed_heading": "Cases filed per month",
    "stats_filed_quarter_heading": "Cases filed per quarter",
    "stats_quarter": "Q{quarter} {year}",
    "stats_legend": "Blue bar: type A (no care episode) · green: type B (ongoing care episode)",
    "stats_org_heading": "Filed per organisation",
    "stats_ended_heading": "How the cases ended",
    "stats_outcome_closed": "Closed",
    "stats_outcome_rejected": "Not protected",
    "stats_outcome_withdrawn": "Withdrawn",
    "stats_durations_heading": "Lead times in business time (median · 90th percentile · count)",
    "stats_durations_none": "No step was recorded in this period.",
    "stats_duration_value": "{median} · {p90} · {count}",
    "stats_hours": "{value} h",
    "stats_days": "{value} days",
    "stats_metric_forward": "At the municipality before forwarding",
    "stats_metric_take": "Waiting for an assignee",
    "stats_metric_record_call": "Call with the submitter (type A)",
    "stats_metric_record_address_update": "Address update",
    "stats_metric_confirm_protected": "Protected identity confirmed",
    "stats_metric_record_process_closed": "Process closed",
    "stats_metric_record_sent_to_vendor": "Sent to the vendor",
    "stats_metric_vendor": "Waiting for the vendor",
    "stats_metric_lead": "Whole case, filed to closed",
    "stats_footnote": (
        "Counted in office time (weekdays {opens}–{closes}, Swedish holidays off); percentiles are "
        "rounded to their interval (at most 25 %). Purged cases still count."
    ),
    "month_names": "Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec",
    # --- @bot overview -------------------------------------------------------------------------
    "overview_refused": "Only the administration's admins can see the overview.",
    "overview_central_only": "**overview** works only in the administration channel.",
    "overview_title": "Open cases ({count})",
    "overview_summary": "{first}–{last} of {total} · {overdue} overdue · most urgent first · {when}",
    "overview_empty": "No open cases right now. 👍 · {when}",
    "overview_moved": "The list has changed since this card was shown – here is the start again.",
    "overview_row": "**{number}** · {kind} · {org}",
    "overview_kind": "Type {kind}",
    "overview_overdue": " · ⚠️ **overdue by {hours} business hours**",
    "overview_meta": "Assignee: {assignee} · {age} business hours since filed",
    "button_overview_previous": "◀ Previous",
    "button_overview_next": "Next ▶",
    "button_overview_refresh": "Refresh",
    # --- weekly digest (jobs/digest_job.py) ----------------------------------------------------
    "digest": (
        "📊 **Weekly digest, week {week}**\n\n"
        "- **{open}** open cases, **{overdue}** of them overdue\n"
        "- Last week: **{filed}** new, **{closed}** closed, **{rejected}** not protected, "
        "**{withdrawn}** withdrawn\n\n"
        "Type @Skyddad ID **overview** for every open case, **reminders** for the overdue ones "
        "and **statistics** for more."
    ),
    "digest_problem_label": "weekly digest wk {week}",
    "delivery_what_digest": "The weekly digest",
}
