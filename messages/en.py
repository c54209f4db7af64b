"""English texts, used when the Teams locale is English."""

MESSAGES: dict[str, str] = {
    "greeting": (
        "Hi! I am the **Protected ID bot** for LifeCare SP in Region Västernorrland.\n\n"
        "When a patient has been given **protected identity** I help you report it, so that the "
        "LifeCare SP administration can remove the patient from the system.\n\n"
        "Type **new report** to start, **my cases** to see your cases or **help** for more. "
        "Never give a personal identity number – only the Patient ID."
    ),
    "help": (
        "**How the Protected ID bot works**\n\n"
        "- **new report** – report a patient with protected identity. I ask for the patient's "
        "**Patient ID** in LifeCare SP and, for an ongoing care episode, the episode's ID.\n"
        "- **my cases** – see the cases you reported and their status.\n"
        "- **cancel** – stop what you are doing.\n\n"
        "I **never** accept a personal identity number (personnummer) or coordination number "
        "(samordningsnummer). The administration phones you if they need it."
    ),
    "help_channel": (
        "**The Protected ID bot in the administration channel**\n\n"
        "- @Protected ID **link channel** – make this the central case channel (admins only).\n"
        "- @Protected ID **reminders** – list cases that have waited too long.\n\n"
        "Every case gets its own thread with a card where the steps are acknowledged."
    ),
    "unknown_command": "I did not understand that. Type **new report**, **my cases** or **help**.",
    "error_generic": "Something went wrong on my side. Nothing you wrote was saved – please try again shortly.",
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
    "ask_reuse_org": "Last time you said you work at **{org}**. Is that still right?",
    "ask_org_kind": "Do you work in the **region** or in a **municipality**?",
    "choice_region": "Region Västernorrland",
    "choice_municipality": "Municipality",
    "ask_municipality": "Which municipality do you work in?",
    "municipality_org": "{name} municipality",
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
    "my_cases_line": "**{number}** – {status} (reported {date})",
    "button_withdraw": "Withdraw {number}",
    "withdrawn": "Case **{number}** is withdrawn. The administration has been told.",
    "withdraw_refused": "Case {number} can no longer be withdrawn – it has been sent to the vendor or is closed.",
    "status_awaiting_forward": "with the municipal administration",
    "status_received": "received, waiting for an administrator",
    "status_called_submitter": "in progress",
    "status_address_updated": "in progress",
    "status_identity_verified": "protected identity confirmed",
    "status_process_closed": "process closed in LifeCare SP",
    "status_sent_to_vendor": "sent to the vendor for deletion",
    "status_vendor_confirmed": "deleted by the vendor",
    "status_closed": "closed",
    "status_rejected": "closed – the patient does not have protected identity",
    "status_withdrawn": "withdrawn",
}
