"""Where the user works: the region or one of the county's municipalities (3.1 / 3.2).

The answer is remembered in the user's profile and offered again next time.
"""

from __future__ import annotations

from collections.abc import Sequence

from botbuilder.core import StatePropertyAccessor
from botbuilder.dialogs import ComponentDialog, DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.choices import Choice
from botbuilder.dialogs.prompts import PromptOptions

from dialogs.municipality_prompt import MUNICIPALITY_PROMPT, MunicipalityPrompt
from dialogs.prompts import answered_yes, ask_choice, ask_yes_no, choice_prompt
from domain.case import Organisation, OrgKind
from domain.municipalities import Municipality, fold, match_municipality
from messages import text

REGION_NAME = "Region Västernorrland"


def organisation_label(org: Organisation, locale: str | None) -> str:
    """The organisation as people read it ('Sundsvalls kommun'); the same in every language."""
    return org.display


def municipality_org(municipality: Municipality) -> Organisation:
    return Organisation(kind=OrgKind.MUNICIPALITY, name=municipality.name, label=municipality.label)


class OrganisationDialog(ComponentDialog):
    def __init__(self, profile: StatePropertyAccessor, municipalities: Sequence[Municipality]) -> None:
        super().__init__(OrganisationDialog.__name__)
        self._profile = profile
        self._municipalities = list(municipalities)
        self.add_dialog(choice_prompt())
        self.add_dialog(MunicipalityPrompt(self._municipalities))
        self.add_dialog(
            WaterfallDialog(
                "organisation.steps",
                [self.reuse_step, self.kind_step, self.municipality_step, self.remember_step],
            )
        )
        self.initial_dialog_id = "organisation.steps"

    async def reuse_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        profile = await self._profile.get(step.context, dict)
        saved = self._as_configured(profile.get("organisation"))
        if saved is None:
            return await step.next(None)
        step.values["saved"] = saved.model_dump(mode="json")
        label = organisation_label(saved, step.context.activity.locale)
        return await ask_yes_no(step, text("ask_reuse_org", step.context.activity.locale, org=label))

    def _as_configured(self, saved: object) -> Organisation | None:
        """The remembered organisation with today's display form; None when MUNICIPALITIES no
        longer lists it (then the user picks again)."""
        if not isinstance(saved, dict):
            return None
        org = Organisation.model_validate(saved)
        if org.kind is OrgKind.REGION:
            return org
        current = next((m for m in self._municipalities if m.name == org.name), None)
        return municipality_org(current) if current else None

    async def kind_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if "saved" in step.values and answered_yes(step):
            return await step.end_dialog(step.values["saved"])
        locale = step.context.activity.locale
        choices = [
            Choice(text("choice_region", locale), synonyms=["region", "regionen"]),
            Choice(text("choice_municipality", locale), synonyms=["kommun", "kommunen", "municipality"]),
        ]
        return await ask_choice(step, text("ask_org_kind", locale), choices)

    async def municipality_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        if step.result.index == 0:
            return await step.next(Organisation(kind=OrgKind.REGION, name=REGION_NAME))
        # "Sundsvalls kommun" typed at the region-or-municipality question names it already;
        # a bare number there picked an option of that question, not a municipality.
        typed = step.context.activity.text or ""
        if not fold(typed).isdigit() and (named := match_municipality(typed, self._municipalities)):
            return await step.next(municipality_org(named))
        return await step.prompt(MUNICIPALITY_PROMPT, PromptOptions())

    async def remember_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        result = step.result
        org = result if isinstance(result, Organisation) else municipality_org(result)
        profile = await self._profile.get(step.context, dict)
        profile["organisation"] = org.model_dump(mode="json")
        return await step.end_dialog(profile["organisation"])
