"""Svenska texter (standardspråk)."""

MESSAGES: dict[str, str] = {
    # --- greeting and help ------------------------------------------------------------------
    "greeting": (
        "Hej! Jag är **Skyddad ID-boten** för LifeCare SP i Region Västernorrland.\n\n"
        "När en patient har fått **skyddad identitet** hjälper jag dig att anmäla det, så att "
        "LifeCare SP-förvaltningen kan ta bort patienten ur systemet.\n\n"
        "Skriv **ny anmälan** för att börja, **mina ärenden** för att se dina ärenden eller "
        "**hjälp** för mer information. Ange aldrig personnummer – bara Patient ID."
    ),
    "help": (
        "**Så här fungerar Skyddad ID-boten**\n\n"
        "- **ny anmälan** – anmäl en patient med skyddad identitet. Jag frågar efter patientens "
        "**Patient ID** i LifeCare SP och, vid pågående vårdtillfälle, vårdtillfällets ID.\n"
        "- **mina ärenden** – se dina anmälda ärenden och deras status.\n"
        "- **avbryt** – avbryt det du håller på med.\n\n"
        "Jag tar **aldrig** emot personnummer eller samordningsnummer. Förvaltningen ringer dig "
        "om de behöver personnumret."
    ),
    "help_channel": (
        "**Skyddad ID-boten i förvaltningens kanal**\n\n"
        "- @Skyddad ID **koppla kanal** – gör den här kanalen till den centrala ärendekanalen "
        "(endast administratörer).\n"
        "- @Skyddad ID **påminnelser** – visa ärenden som väntar för länge.\n\n"
        "Varje ärende får en egen tråd med ett kort där stegen kvitteras."
    ),
    "unknown_command": ("Jag förstod inte det. Skriv **ny anmälan**, **mina ärenden** eller **hjälp**."),
    # --- errors -----------------------------------------------------------------------------
    "error_generic": "Något gick fel hos mig. Inget av det du skrivit har sparats – försök igen om en stund.",
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
    # --- intake (3.1, 3.2, 4.1, 4.2) ---------------------------------------------------------
    "ask_reuse_org": "Senast angav du att du arbetar inom **{org}**. Stämmer det fortfarande?",
    "ask_org_kind": "Arbetar du inom **regionen** eller i en **kommun**?",
    "choice_region": "Region Västernorrland",
    "choice_municipality": "Kommun",
    "ask_municipality": "Vilken kommun arbetar du i?",
    "municipality_org": "{name} kommun",
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
    "my_cases_line": "**{number}** – {status} (anmält {date})",
    "button_withdraw": "Dra tillbaka {number}",
    "withdrawn": "Ärende **{number}** är tillbakadraget. Förvaltningen har fått besked.",
    "withdraw_refused": "Ärende {number} kan inte dras tillbaka längre – det är redan skickat till leverantören eller avslutat.",
    "status_awaiting_forward": "hos kommunens förvaltning",
    "status_received": "mottaget, väntar på handläggare",
    "status_called_submitter": "under handläggning",
    "status_address_updated": "under handläggning",
    "status_identity_verified": "skyddad identitet bekräftad",
    "status_process_closed": "processen avslutad i LifeCare SP",
    "status_sent_to_vendor": "skickat till leverantören för radering",
    "status_vendor_confirmed": "raderat av leverantören",
    "status_closed": "avslutat",
    "status_rejected": "avslutat – patienten har inte skyddad identitet",
    "status_withdrawn": "tillbakadraget",
}
