"""Where the user works: the region or one of the county's municipalities (3.1 / 3.2).

The answer is remembered in the user's profile and offered again next time.
"""

from __future__ import annotations

from botbuilder.core import StatePropertyAccessor
from botbuilder.dialogs import ComponentDialog, DialogTurnResult, WaterfallDialog, WaterfallStepContext
from botbuilder.dialogs.choices import Choice

from dialogs.prompts import answered_yes, ask_choice, ask_yes_no, choice_prompt
from domain.case import Organisation, OrgKind
from messages import text

REGION_NAME = "Region Västernorrland"


def organisation_label(org: Organisation, locale: str | None) -> str:
    if org.kind is OrgKind.REGION:
        return org.name
    return text("municipality_org", locale, name=org.name)


class OrganisationDialog(ComponentDialog):
    def __init__(self, profile: StatePropertyAccessor, municipalities: list[str]) -> None:
        super().__init__(OrganisationDialog.__name__)
        self._profile = profile
        self._municipalities = municipalities
        self.add_dialog(choice_prompt())
        self.add_dialog(
            WaterfallDialog(
                "organisation.steps",
                [self.reuse_step, self.kind_step, self.municipality_step, self.remember_step],
            )
        )
        self.initial_dialog_id = "organisation.steps"

    async def reuse_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        profile = await self._profile.get(step.context, dict)
        saved = profile.get("organisation")
        if not saved:
            return await step.next(None)
        step.values["saved"] = saved
        label = organisation_label(Organisation.model_validate(saved), step.context.activity.locale)
        return await ask_yes_no(step, text("ask_reuse_org", step.context.activity.locale, org=label))

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
        choices = [Choice(name) for name in self._municipalities]
        return await ask_choice(step, text("ask_municipality", step.context.activity.locale), choices)

    async def remember_step(self, step: WaterfallStepContext) -> DialogTurnResult:
        result = step.result
        org = (
            result
            if isinstance(result, Organisation)
            else Organisation(kind=OrgKind.MUNICIPALITY, name=result.value)
        )
        profile = await self._profile.get(step.context, dict)
        profile["organisation"] = org.model_dump(mode="json")
        return await step.end_dialog(profile["organisation"])
