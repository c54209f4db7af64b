"""Svenska texter (standardspråk)."""

MESSAGES: dict[str, str] = {
    # --- greeting and help ------------------------------------------------------------------
    "greeting": (
        "Hej! Jag är **Skyddad ID**, boten för LifeCare SP i Region Västernorrland.\n\n"
        "När en patient har fått **skyddad identitet** hjälper jag dig att anmäla det, så att "
        "LifeCare SP-förvaltningen kan ta bort patienten ur systemet.\n\n"
        "Skriv **ny anmälan** för att börja, **mina ärenden** för att se dina ärenden eller "
        "**hjälp** för mer information. Ange aldrig personnummer – bara Patient ID."
    ),
    "help": (
        "**Så här fungerar Skyddad ID**\n\n"
        "- **ny anmälan** – anmäl en patient med skyddad identitet. Jag frågar efter patientens "
        "**Patient ID** i LifeCare SP och, vid pågående vårdtillfälle, vårdtillfällets ID.\n"
        "- **mina ärenden** – se var dina ärenden är och vem som handlägger dem; där kan du också "
        "dra tillbaka ett ärende.\n"
        "- **avbryt** – avbryt det du håller på med.\n\n"
        "Jag tar **aldrig** emot personnummer eller samordningsnummer. Förvaltningen ringer dig "
        "om de behöver personnumret."
    ),
    "help_channel": (
        "**Skyddad ID i förvaltningens kanal**\n\n"
        "- @Skyddad ID **koppla kanal** – gör den här kanalen till den centrala ärendekanalen "
        "(endast administratörer).\n"
        "- @Skyddad ID **påminnelser** – visa ärenden som väntar för länge.\n"
        "- @Skyddad ID **statistik** – inkomna ärenden, utfall och ledtider de senaste 12 "
        "månaderna; eller en period: **statistik 2026**, **statistik 2026-11**, "
        "**statistik 2026-01 till 2026-06**, **statistik 6 månader**, **statistik i år**, "
        "**statistik förra månaden** (endast administratörer).\n"
        "- @Skyddad ID **översikt** – alla öppna ärenden, mest brådskande först (endast administratörer).\n\n"
        "Varje ärende får en egen tråd med ett kort där stegen kvitteras."
    ),
    "unknown_command": ("Jag förstod inte det. Skriv **ny anmälan**, **mina ärenden** eller **hjälp**."),
    # --- errors -----------------------------------------------------------------------------
    "error_generic": "Något gick fel hos mig. Inget av det du skrivit har sparats – försök igen om en stund.",
    "error_conflict": "Ditt förra meddelande hann inte bli klart. Skicka det här igen, tack.",
    "error_write_unknown": (
        "Jag tappade kontakten med min lagring mitt i sparandet och kan inte bekräfta om det gick igenom. "
        "Försök igen om en stund – samma anmälan eller samma steg registreras aldrig två gånger."
    ),
    "error_intake_limit": (
        "Du har skickat {limit} anmälningar den senaste timmen, vilket är gränsen. Din anmälan är kvar – "
        "tryck på **Skicka** igen om en stund, eller ring förvaltningen om det brådskar."
    ),
    "error_too_many_turns": "Du skickar väldigt många meddelanden just nu. Vänta en minut och försök igen.",
    "error_store_unavailable": (
        "Jag kan inte nå min lagring just nu. Inget har sparats eller skickats – försök igen om en stund."
    ),
    "error_unknown_verb_title": "Okänd åtgärd",
    "error_unknown_verb": "Kortet skickade en åtgärd jag inte känner till. Inget har ändrats.",
    "error_tenant": "Den här boten används bara inom Region Västernorrlands organisation.",
    # --- identity guard ---------------------------------------------------------------------
    "guard_refused": (
        "⚠️ Ditt meddelande innehåller något som ser ut som ett **personnummer eller "
        "samordningsnummer**. Jag tar inte emot sådana nummer: patienten har skyddad identitet och "
        "numret får inte sparas eller skickas vidare här.\n\n"
        "Ange i stället patientens **Patient ID** från LifeCare SP. Förvaltningen ringer dig om "
        "personnumret behövs.\n\n"
        "**Ta bort ditt meddelande** i Teams (… → Ta bort). Jag har inte sparat något av det."
    ),
    "guard_refused_channel": (
        "⚠️ Ditt meddelande innehåller något som ser ut som ett **personnummer eller "
        "samordningsnummer**. Sådana nummer får inte sparas eller skickas vidare i Teams, så jag har "
        "inte sparat något av det.\n\n"
        "**Ta bort ditt meddelande** i Teams (… → Ta bort)."
    ),
    "guard_refused_card": (
        "Det du skrev på kortet ser ut att innehålla ett personnummer eller samordningsnummer. "
        "Sådana nummer tas inte emot, så inget har sparats eller ändrats. Fyll i kortet igen utan "
        "numret – ett skäl eller ServiceNow-nummer behöver aldrig personnummer."
    ),
    # --- intake (3.1, 3.2, 4.1, 4.2) ---------------------------------------------------------
    "ask_reuse_org": "Senast angav du att du arbetar inom **{org}**. Stämmer det fortfarande?",
    "ask_org_kind": "Arbetar du inom **regionen** eller i en **kommun**?",
    "choice_region": "Region Västernorrland",
    "choice_municipality": "Kommun",
    "ask_municipality": "Vilken kommun arbetar du i?",
    "choice_list_error": "Välj ett alternativ i listan.",
    "choice_list_hint": "Du kan också skriva namnet eller siffran.",
    "button_choose": "Välj",
    "yes": "Ja",
    "no": "Nej",
    "choice_retry": "Välj ett av alternativen (du kan också svara med siffran).",
    "ask_has_episode": "Har patienten ett **pågående vårdtillfälle** i LifeCare SP?",
    "ask_documented": (
        "Har du **dokumenterat nödvändig information om det pågående vårdtillfället** enligt "
        "verksamhetens rutin för hantering av personer med skyddad identitet?"
    ),
    "document_first": (
        "Gör det först: dokumentera nödvändig information om vårdtillfället enligt verksamhetens "
        "rutin för personer med skyddad identitet. Det du har svarat hittills är sparat – skriv "
        "**ny anmälan** när du är klar så fortsätter vi där vi slutade."
    ),
    "ask_patient_id": (
        "Ange patientens **Patient ID** i LifeCare SP ({hint}).\n\n"
        "Ange **inte** personnummer eller samordningsnummer."
    ),
    "ask_episode_id": "Ange **ID för det aktuella vårdtillfället** ({hint}).",
    "id_empty": "Jag fick inget ID. Skriv det som text.",
    "id_identity_number": (
        "Det där ser ut som ett personnummer eller samordningsnummer, och sådana tar jag inte emot. "
        "Ange patientens Patient ID från LifeCare SP."
    ),
    "id_too_long": "Det där är för långt för att vara ett ID (högst {max} tecken).",
    "id_bad_format_patient": "Det där ser inte ut som ett Patient ID. Formatet är: {hint}.",
    "id_bad_format_episode": "Det där ser inte ut som ett vårdtillfälles-ID. Formatet är: {hint}.",
    "attempts_help": "Behöver du hjälp? Skriv **hjälp**, eller **avbryt** för att avbryta anmälan.",
    "ask_protected": "Bekräfta att patienten har **skyddad identitet**.",
    "not_protected": (
        "Då gäller inte den här rutinen: bara patienter med skyddad identitet tas bort ur LifeCare SP. "
        "Anmälan är avbruten och inget har sparats."
    ),
    "summary_title": "Kontrollera din anmälan",
    "summary_intro": "Stämmer uppgifterna? Skicka anmälan till LifeCare SP-förvaltningen.",
    "summary_org": "Organisation",
    "summary_kind": "Ärendetyp",
    "kind_A": "Inget pågående vårdtillfälle",
    "kind_B": "Pågående vårdtillfälle",
    "summary_patient_id": "Patient ID",
    "summary_episode_id": "Vårdtillfällets ID",
    "summary_protected": "Skyddad identitet",
    "summary_documented": "Vårdtillfället dokumenterat",
    "button_submit": "Skicka",
    "button_change": "Ändra",
    "button_cancel": "Avbryt",
    "change_what": "Vad vill du ändra?",
    "summary_reprompt": "Använd knapparna på kortet: **Skicka**, **Ändra** eller **Avbryt**.",
    "submitted_title": "Anmälan skickad – {number}",
    "submitted_A": (
        "Tack! Ärendet **{number}** är skickat till LifeCare SP-förvaltningen.\n\n"
        "**Nästa steg:** förvaltningen **ringer dig** för att få patientens personnummer – "
        "lämna det bara per telefon, aldrig här. Du får besked här när ärendet tas om hand och avslutas."
    ),
    "submitted_B": (
        "Tack! Ärendet **{number}** är skickat till LifeCare SP-förvaltningen.\n\n"
        "**Nästa steg:** förvaltningen söker fram patienten via vårdtillfällets ID, så **ingen "
        "telefonkontakt behövs**. Du får besked här när ärendet tas om hand och avslutas."
    ),
    "submitted_A_municipal": (
        "Tack! Ärendet **{number}** är skickat till **{org} förvaltning** för LifeCare SP, som skickar "
        "det vidare till den centrala LifeCare SP-förvaltningen.\n\n"
        "**Nästa steg:** förvaltningen **ringer dig** för att få patientens personnummer – "
        "lämna det bara per telefon, aldrig här. Du får besked här när ärendet skickas vidare, tas om "
        "hand och avslutas."
    ),
    "submitted_B_municipal": (
        "Tack! Ärendet **{number}** är skickat till **{org} förvaltning** för LifeCare SP, som skickar "
        "det vidare till den centrala LifeCare SP-förvaltningen.\n\n"
        "**Nästa steg:** förvaltningen söker fram patienten via vårdtillfällets ID, så **ingen "
        "telefonkontakt behövs**. Du får besked här när ärendet skickas vidare, tas om hand och avslutas."
    ),
    "already_submitted": "Den här anmälan är redan skickad som ärende **{number}**.",
    "stale_card": "Det här kortet hör till en anmälan som inte längre är aktiv. Skriv **ny anmälan** för att börja om.",
    "cancelled": "Okej, jag har avbrutit. Inget har skickats.",
    "nothing_to_cancel": "Det finns inget att avbryta.",
    "intake_expired": (
        "Din påbörjade anmälan var äldre än {hours} timmar och har tagits bort. Skriv **ny anmälan** "
        "för att börja om."
    ),
    "intake_in_progress": "Du är mitt i en anmälan – svara på frågan ovan, eller skriv **avbryt**.",
    "resume_intake": "Välkommen tillbaka! Vi fortsätter din påbörjade anmälan.",
    # --- my cases -----------------------------------------------------------------------------
    "my_cases_none": "Du har inga anmälda ärenden.",
    "my_cases_title": "Dina ärenden",
    "my_cases_more": "… och {count} äldre ärenden till.",
    "mine_heading": "**{number}** · {org}",
    "mine_meta": "{kind} · anmält {date}",
    "mine_awaiting_forward": "Hos {org} förvaltning – skickas vidare till den centrala LifeCare SP-förvaltningen",
    "mine_unassigned": "Mottaget av LifeCare SP-förvaltningen – väntar på en handläggare",
    "mine_unassigned_step": "Väntar på en ny handläggare – {step}",
    "mine_assigned": "Handläggs av {name} – {step}",
    "mine_step_received_A": "förvaltningen ringer dig för patientens personnummer",
    "mine_step_received_B": "förvaltningen söker fram patienten via vårdtillfällets ID",
    "mine_step_called_submitter": "patienten söks fram och adressen uppdateras",
    "mine_step_address_updated": "den skyddade identiteten kontrolleras i LifeCare SP",
    "mine_step_identity_verified": "skyddad identitet bekräftad – processen avslutas i LifeCare SP",
    "mine_step_process_closed": "processen är avslutad i LifeCare SP – ärendet skickas till leverantören för radering",
    "mine_step_sent_to_vendor": "skickat till leverantören – väntar på att uppgifterna raderas",
    "mine_step_vendor_confirmed": "leverantören har raderat uppgifterna – ärendet avslutas",
    "mine_step_servicenow_pending": "ärendet skapas hos leverantören i ServiceNow",
    "mine_step_vendor_reported": "leverantören har svarat att uppgifterna är raderade – förvaltningen bekräftar",
    "mine_closed": "✅ Klart {date}: leverantören har raderat patientens uppgifter ur LifeCare SP",
    "mine_rejected": "Avslutat {date}: förvaltningen kunde inte se att patienten har skyddad identitet",
    "mine_withdrawn": "Tillbakadraget av dig {date}",
    "button_withdraw_pick": "Dra tillbaka ett ärende",
    "input_withdraw_label": "Vilket ärende vill du dra tillbaka?",
    "button_withdraw_next": "Dra tillbaka …",
    "withdraw_confirm_title": "Dra tillbaka ärende {number}?",
    "withdraw_confirm_body": (
        "Förvaltningen slutar arbeta med ärendet och får besked. Det går inte att ångra – behövs det "
        "igen gör du en ny anmälan."
    ),
    "button_withdraw_yes": "Ja, dra tillbaka",
    "button_withdraw_no": "Nej, behåll",
    "withdraw_kept": "Okej, ärende **{number}** ligger kvar.",
    "withdrawn": "Ärende **{number}** är tillbakadraget. Förvaltningen har fått besked.",
    "withdraw_already": "Ärende **{number}** är redan tillbakadraget.",
    "withdraw_too_late": (
        "Ärende **{number}** kan inte dras tillbaka längre – det är redan skickat till leverantören för radering."
    ),
    "withdraw_closed": "Ärende **{number}** är redan avslutat och kan inte dras tillbaka.",
    "withdraw_unknown": "Jag hittar inget ärende **{number}** som du har anmält. Skriv **mina ärenden** för att se dina.",
    # --- the central team: case cards, steps 3.3 / 4.3, routing ----------------------------------
    "case_title": "Ärende {number}",
    "case_kind_A": "Typ A – inget pågående vårdtillfälle (3.3)",
    "case_kind_B": "Typ B – pågående vårdtillfälle (4.3)",
    "case_submitted_by": "Anmält av {mention}",
    "case_received": "Inkom",
    "case_received_value": "{when} ({age})",
    "age_now": "nyss",
    "age_minutes": "{n} min sedan",
    "age_hours": "{n} tim sedan",
    "age_days": "{n} dygn sedan",
    "case_assignee": "Handläggare",
    "case_documented": "Vårdtillfället",
    "case_documented_value": "dokumenterat enligt verksamhetens rutin (4.1/4.2), enligt anmälaren",
    "case_unassigned": "ingen ännu",
    "case_next_step": "Nästa steg",
    "case_outcome": "Utfall",
    "case_servicenow": "ServiceNow",
    "case_reason": "Skäl",
    "case_vendor_report": "Leverantörens svar",
    "case_history": "Historik",
    "case_history_line": "{when} · {who} · {what}",
    "case_call_hint": (
        "Ring anmälaren och be om patientens personnummer. Det lämnas **bara per telefon** – aldrig i Teams."
    ),
    "case_assigned_to_you": "Du har ärendet.",
    "case_assigned_to_other": "**{name}** har ärendet. Du kan ta över det.",
    "next_awaiting_forward": "Kommunens förvaltning skickar ärendet vidare till central förvaltning",
    "next_received_A": "Ring anmälaren för personnumret (bara per telefon)",
    "next_received_B": "Sök patienten på vårdtillfällets ID och uppdatera adressen mot befolkningsregistret",
    "next_called_submitter": "Sök patienten på personnumret och uppdatera adressen mot befolkningsregistret",
    "next_address_updated": "Kontrollera att patienten har skyddad identitet (sekretesstämpel)",
    "next_identity_verified": "Avsluta processen i LifeCare SP via översikten",
    "next_process_closed": "Skicka ärendet till leverantören via ServiceNow",
    "next_sent_to_vendor": (
        "Vänta på att leverantören bekräftar raderingen i ServiceNow; när du registrerar bekräftelsen "
        "avslutas ärendet"
    ),
    "next_vendor_confirmed": "Avsluta ärendet (leverantören har redan bekräftat raderingen)",
    "next_servicenow_pending": "Boten skapar ärendet i ServiceNow – numret visas här när det är klart",
    "next_vendor_reported": (
        "Leverantören har löst ServiceNow-ärendet. Läs svaret och bekräfta att uppgifterna är raderade; "
        "då avslutas ärendet"
    ),
    "outcome_closed": "Avslutat – leverantören har raderat patientens uppgifter",
    "outcome_rejected": "Avslutat – patienten har inte skyddad identitet",
    "outcome_withdrawn": "Tillbakadraget av anmälaren",
    # --- retention purge (domain/retention.py) ------------------------------------------------
    "purged_title": "Ärende {number} – avslutat",
    "purged_personal_title": "Anmälan {number}",
    "purged_outcome": "Utfall",
    "purged_ended": "Avslutades",
    "purged_note": (
        "Patient ID, vårdtillfällets ID och fritext har raderats ur boten (gallring efter avslutat "
        "ärende). Ärendenummer, typ, organisation, tider och vem som gjorde vad finns kvar."
    ),
    "expired_intake_title": "Påbörjad anmälan – raderad",
    "expired_intake_body": "Anmälan skickades inte och låg orörd för länge. Uppgifterna i den, också Patient ID, har raderats.",
    "cancelled_intake_title": "Anmälan avbruten",
    "cancelled_intake_body": "Anmälan skickades inte. Uppgifterna i den, också Patient ID, har raderats.",
    "intake_expired_purged": (
        "Din påbörjade anmälan låg orörd för länge och har raderats, också patientens Patient ID. "
        "Skriv **ny anmälan** för att börja om."
    ),
    "event_forward": "skickade ärendet vidare till central förvaltning",
    "event_take": "tog ärendet",
    "event_reassign": "gav ärendet till {detail}",
    "event_unassign": "släppte ärendet",
    "event_record_call": "har ringt anmälaren",
    "event_record_address_update": "har sökt patienten och uppdaterat adressen mot befolkningsregistret",
    "event_confirm_protected": "bekräftade skyddad identitet (sekretesstämpel)",
    "event_reject_not_protected": "avslutade ärendet: patienten har inte skyddad identitet",
    "event_record_process_closed": "avslutade processen i LifeCare SP",
    "event_record_sent_to_vendor": "skickade ärendet till leverantören ({detail})",
    "event_record_vendor_confirmed": "noterade att leverantören har raderat uppgifterna – ärendet är avslutat",
    "event_request_servicenow": "bad boten skapa ärendet till leverantören i ServiceNow",
    "event_servicenow_failed": "kunde inte skapa ärendet i ServiceNow ({detail}) – skicka det manuellt",
    "event_servicenow_extra": "skapade {detail} i ServiceNow medan numret skrevs in för hand – {detail} behövs inte: stäng det i ServiceNow",
    "event_record_vendor_report": "läste i ServiceNow att leverantören har löst ärendet – läs svaret på kortet, bekräfta raderingen och avsluta",
    "event_close": "avslutade ärendet",
    "event_withdraw": "drog tillbaka ärendet",
    "thread_reply": "**{who}** {what}.",
    "button_forward": "Skicka vidare till central förvaltning",
    "button_take": "Jag tar ärendet",
    "button_take_over": "Ta över",
    "button_record_call": "Jag har ringt anmälaren",
    "button_record_address_update_A": "Sökt på personnummer, adress uppdaterad",
    "button_record_address_update_B": "Sökt på vårdtillfällets ID, adress uppdaterad",
    "button_confirm_protected": "Skyddad identitet bekräftad",
    "button_reject_not_protected": "Inte skyddad",
    "button_record_process_closed": "Processen avslutad i LifeCare SP",
    "button_record_sent_to_vendor": "Skickat till leverantören",
    "button_record_vendor_confirmed": "Leverantören har raderat – avsluta",
    "button_request_servicenow": "Skapa ärende i ServiceNow",
    "button_close": "Avsluta ärendet",
    "button_reassign": "Ge till annan",
    "button_unassign": "Släpp ärendet",
    "button_call": "Ring {name} i Teams",
    "button_confirm_reject": "Avsluta som inte skyddad",
    "button_confirm_sent": "Registrera",
    "button_confirm_reassign": "Ge ärendet",
    "vendor_request_intro": "Skapa ett ärende till leverantören i ServiceNow med den här texten:",
    "vendor_request_text": (
        "Patient ID: {patient_id}\n"
        "Patienten har skyddad identitet. All information om patienten ska därför raderas ur LifeCare SP."
    ),
    "input_servicenow_label": "ServiceNow-nummer",
    "input_servicenow_error": "Ange ServiceNow-numret, t.ex. INC0012345.",
    "input_reason_label": "Varför har patienten inte skyddad identitet? (inga personnummer eller Patient ID)",
    "input_reason_error": "Skriv ett skäl.",
    "input_assignee_label": "Till vem?",
    "note_stale": "Kortet var inaktuellt – här är det aktuella läget. Inget har ändrats.",
    "note_conflict": "Någon annan hann före – här är det aktuella läget.",
    "note_not_allowed": "Det går inte att göra just nu – här är det aktuella läget. Inget har ändrats.",
    "note_servicenow_invalid": "Det där ser inte ut som ett ServiceNow-nummer (t.ex. INC0012345). Inget har ändrats.",
    "note_reason_required": "Skriv ett skäl (högst {max} tecken). Inget har ändrats.",
    "note_assignee_unknown": "Välj en administratör i listan. Inget har ändrats.",
    "servicenow_short_description": "Radering ur LifeCare SP – patient med skyddad identitet ({number})",
    "refused_title": "Inte tillåtet",
    "refused_not_admin": (
        "Bara LifeCare SP-förvaltningens administratörer kan hantera ärenden. Inget har ändrats."
    ),
    "refused_wrong_conversation": (
        "Ärendet hanteras bara i sin egen tråd i förvaltningens kanal. Inget har ändrats."
    ),
    "refused_no_such_case": "Ärendet finns inte. Inget har ändrats.",
    "refused_unknown_verb": "Kortet skickade en åtgärd jag inte känner till. Inget har ändrats.",
    "refused_invalid_data": "Kortet skickade uppgifter jag inte kan läsa. Inget har ändrats – öppna ärendets senaste kort.",
    "forwarded_title": "Ärende {number} – skickat vidare",
    "forwarded_body": "Ärendet är skickat vidare till den centrala LifeCare SP-förvaltningen, som handlägger det.",
    "link_done": (
        "Klart! Den här kanalen är nu **den centrala ärendekanalen**. Varje nytt ärende läggs här som en egen tråd."
    ),
    "link_refused": "Bara förvaltningens administratörer kan koppla kanalen. Inget har ändrats.",
    "link_wrong_team": (
        "Ärendekanalen kan bara kopplas i den centrala LifeCare SP-förvaltningens team. Inget har ändrats."
    ),
    "link_not_channel": "Skriv **koppla kanal** i den kanal i teamet som ska ta emot ärendena.",
    "notify_received": "Ditt ärende **{number}** har tagits emot av LifeCare SP-förvaltningen.",
    "notify_received_municipal": (
        "Ditt ärende **{number}** har tagits emot av **{org} förvaltning** för LifeCare SP. De skickar "
        "det vidare till den centrala LifeCare SP-förvaltningen – du får besked här när det är gjort."
    ),
    "notify_forwarded": (
        "Ditt ärende **{number}** är skickat vidare från {org} förvaltning till den centrala "
        "LifeCare SP-förvaltningen, som handlägger det nu."
    ),
    "notify_taken": "Ditt ärende **{number}** handläggs nu av {name}.",
    "notify_rejected": (
        "Ärende **{number}** är avslutat: förvaltningen kunde inte se att patienten har skyddad identitet "
        "i LifeCare SP. Skäl: {reason}\n\n"
        "**Vad du gör nu:** kontrollera uppgiften om skyddad identitet enligt verksamhetens rutin. "
        "Har patienten skyddad identitet gör du en **ny anmälan**; annars behöver du inte göra något mer."
    ),
    "notify_closed": (
        "Ärende **{number}** är klart: leverantören har raderat patientens uppgifter ur LifeCare SP."
    ),
    # --- reminders and delivery problems (proactive: the case number only, never patient ids) ---
    "reminder_unassigned_channel": "⏰ Ärende **{number}** har ingen handläggare ännu. Vem tar det?",
    "reminder_step_idle_assignee": "⏰ Påminnelse: ärende **{number}** väntar på nästa steg hos dig.",
    "reminder_step_idle_channel": "⏰ Ärende **{number}** har stått still – nästa steg väntar hos {assignee}.",
    "reminder_vendor_wait_assignee": (
        "⏰ Påminnelse: leverantören har inte bekräftat raderingen i ärende **{number}**. "
        "Följ upp ServiceNow-ärendet."
    ),
    "reminder_vendor_wait_channel": (
        "⏰ Ärende **{number}** väntar fortfarande på leverantörens bekräftelse – följ upp ServiceNow-ärendet."
    ),
    "reminder_awaiting_forward_channel": (
        "⏰ Ärende **{number}** har inte skickats vidare till LifeCare SP-förvaltningen ännu."
    ),
    "reminder_escalation": (
        "🔺 Ärende **{number}** har påmints {count} gånger utan att gå vidare. {mentions}"
    ),
    "delivery_problem": "⚠️ **Leveransproblem – {number}:** {what} till {target} kom inte fram ({reason}). {advice}",
    "delivery_what_card": "Ärendekortet",
    "delivery_what_reply": "En rad i ärendetråden",
    "delivery_what_notice": "Beskedet",
    "delivery_what_reminder": "Påminnelsen",
    "delivery_what_update": "Uppdateringen av ärendekortet",
    "delivery_what_servicenow": "Ärendet till leverantören",
    "delivery_what_servicenow_poll": "Frågan om leverantörens svar",
    "delivery_target_servicenow": "ServiceNow",
    "delivery_advice_servicenow": (
        "Skapa ärendet i ServiceNow för hand med texten på kortet och registrera numret (*Skickat till "
        "leverantören*), och be IT kontrollera botens inloggning i ServiceNow."
    ),
    "delivery_advice_servicenow_poll": "Följ upp ServiceNow-ärendet för hand; boten frågar igen senare.",
    "delivery_target_user": "{name} i 1:1-chatten",
    "delivery_target_thread": "ärendetråden för **{number}**",
    "delivery_target_channel": "kanalen",
    "delivery_reason_status": "fel {status}",
    "delivery_reason_no_reference": "ingen sparad konversation – boten måste vara tillagd och ha fått ett meddelande",
    "delivery_reason_gave_up": "gav upp efter {attempts} försök: {error}",
    "delivery_advice_user": (
        "Ge {name} beskedet på annat sätt och be hen lägga till appen Skyddad ID igen och skriva *hej* "
        "till boten; tills dess når boten inte fram dit."
    ),
    "delivery_advice_channel": "Kontrollera att appen Skyddad ID finns kvar i teamet och att tråden inte är borttagen.",
    "delivery_advice_retry": (
        "Meddelandet skickas inte igen: ge beskedet på annat sätt och be IT kontrollera botens kontakt med Teams."
    ),
    # --- @bot påminnelser ---------------------------------------------------------------------
    "reminders_central_only": "**påminnelser** fungerar bara i förvaltningens kanal.",
    "reminders_none": "Inget är försenat just nu. 👍",
    "reminders_title": "**Försenade ärenden ({count})**",
    "reminders_line": "- **{number}** – {what} · {hours} arbetstimmar över tiden",
    "reminders_line_assigned": "- **{number}** – {what} · {assignee} · {hours} arbetstimmar över tiden",
    "reminders_more": "- … och {count} till",
    "reminders_problems_title": "**Leveransproblem ({count})**",
    "reminders_problem_line": "- **{number}** – {what} till {target} · {reason}",
    "reminder_kind_unassigned": "ingen handläggare",
    "reminder_kind_step_idle": "nästa steg väntar",
    "reminder_kind_vendor_wait": "väntar på leverantören",
    "reminder_kind_awaiting_forward": "inte vidareskickat från kommunen",
    "case_reminder": "Påminnelse",
    "case_reminder_next": "nästa {when}",
    "case_reminder_overdue": "⚠️ försenat {hours} arbetstimmar – nästa påminnelse {when}",
    # --- statistik (handlers/stats_command.py, cards/stats_card.py) ---------------------------
    "stats_central_only": "**statistik** fungerar bara i förvaltningens kanal.",
    "stats_refused": "Bara förvaltningens administratörer kan se statistiken.",
    "stats_period_unknown": (
        "Jag förstod inte perioden. Skriv till exempel **statistik** (de senaste 12 månaderna), "
        "**statistik 2026**, **statistik 2026-11**, **statistik 2026-01 till 2026-06**, "
        "**statistik 6 månader**, **statistik i år** eller **statistik förra månaden**."
    ),
    "stats_period_too_long": "Statistiken visar högst 36 månader åt gången – välj en kortare period.",
    "stats_title": "Statistik {period}",
    "stats_summary": (
        "**{filed}** inkomna ärenden (typ A {a}, typ B {b}) · **{closed}** klara · "
        "**{rejected}** inte skyddad · **{withdrawn}** återtagna"
    ),
    "stats_none": "Inga ärenden har kommit in eller avslutats under perioden.",
    "stats_filed_heading": "Inkomna ärenden per månad",
    "stats_filed_quarter_heading": "Inkomna ärenden per kvartal",
    "stats_quarter": "kv{quarter} {year}",
    "stats_legend": "Blå stapel: typ A (utan vårdtillfälle) · grön: typ B (pågående vårdtillfälle)",
    "stats_org_heading": "Inkomna per organisation",
    "stats_ended_heading": "Så slutade ärendena",
    "stats_outcome_closed": "Klara",
    "stats_outcome_rejected": "Inte skyddad",
    "stats_outcome_withdrawn": "Återtagna",
    "stats_durations_heading": "Ledtider i arbetstid (median · 90:e percentil · antal)",
    "stats_durations_none": "Inga steg har kvitterats under perioden.",
    "stats_duration_value": "{median} · {p90} · {count} st",
    "stats_hours": "{value} tim",
    "stats_days": "{value} dagar",
    "stats_metric_forward": "Hos kommunen innan vidareskickat",
    "stats_metric_take": "Väntan på handläggare",
    "stats_metric_record_call": "Samtal med anmälaren (typ A)",
    "stats_metric_record_address_update": "Adressuppdatering",
    "stats_metric_confirm_protected": "Skyddad identitet bekräftad",
    "stats_metric_record_process_closed": "Processen stängd",
    "stats_metric_record_sent_to_vendor": "Skickat till leverantören",
    "stats_metric_vendor": "Väntan på leverantören",
    "stats_metric_lead": "Hela ärendet, inkommet till klart",
    "stats_footnote": (
        "Räknat i kontorstid (vardagar {opens}–{closes}, svenska helgdagar lediga); percentilerna "
        "är avrundade till närmaste intervall (högst 25 %). Rensade ärenden räknas med."
    ),
    "month_names": "jan,feb,mar,apr,maj,jun,jul,aug,sep,okt,nov,dec",
    # --- @bot översikt ------------------------------------------------------------------------
    "overview_refused": "Bara förvaltningens administratörer kan se översikten.",
    "overview_central_only": "**översikt** fungerar bara i förvaltningens kanal.",
    "overview_title": "Öppna ärenden ({count})",
    "overview_summary": "{first}–{last} av {total} · {overdue} försenade · mest brådskande först · {when}",
    "overview_empty": "Inga öppna ärenden just nu. 👍 · {when}",
    "overview_moved": "Listan har ändrats sedan kortet visades – här är början igen.",
    "overview_row": "**{number}** · {kind} · {org}",
    "overview_kind": "Typ {kind}",
    "overview_overdue": " · ⚠️ **försenat {hours} arbetstimmar**",
    "overview_meta": "Handläggare: {assignee} · {age} arbetstimmar sedan anmälan",
    "button_overview_previous": "◀ Föregående",
    "button_overview_next": "Nästa ▶",
    "button_overview_refresh": "Uppdatera",
    # --- veckosammanfattning (jobs/digest_job.py) ----------------------------------------------
    "digest": (
        "📊 **Veckosammanfattning, vecka {week}**\n\n"
        "- **{open}** öppna ärenden, varav **{overdue}** försenade\n"
        "- Förra veckan: **{filed}** nya, **{closed}** klara, **{rejected}** inte skyddad, "
        "**{withdrawn}** återtagna\n\n"
        "Skriv @Skyddad ID **översikt** för alla öppna, **påminnelser** för de försenade och "
        "**statistik** för mer."
    ),
    "digest_problem_label": "veckosammanfattning v. {week}",
    "delivery_what_digest": "Veckosammanfattningen",
}
