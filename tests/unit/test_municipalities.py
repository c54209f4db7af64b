"""Municipality names: the official display form and what people type."""

from __future__ import annotations

import pytest

from config import DEFAULT_MUNICIPALITIES
from domain.case import Organisation, OrgKind
from domain.municipalities import default_label, genitive, match_municipality, parse_municipalities

COUNTY = parse_municipalities(DEFAULT_MUNICIPALITIES)


def test_the_countys_seven_in_correct_swedish():
    assert [m.label for m in COUNTY] == [
        "Sundsvalls kommun",
        "Timrå kommun",
        "Härnösands kommun",
        "Kramfors kommun",
        "Sollefteå kommun",
        "Örnsköldsviks kommun",
        "Ånge kommun",
    ]
    assert [m.name for m in COUNTY] == list(DEFAULT_MUNICIPALITIES)


def test_a_deployment_sets_the_display_form_and_a_full_form_is_kept():
    (falun, gbg, plain) = parse_municipalities(["Falun=Falu kommun", "Göteborgs stad", " Umeå "])
    assert (falun.name, falun.label) == ("Falun", "Falu kommun")
    assert gbg.label == "Göteborgs stad" and plain.label == "Umeå kommun"
    assert default_label("Sundsvalls kommun") == "Sundsvalls kommun"
    assert genitive("Sundsvalls kommun") == "Sundsvalls kommuns"


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Örnsköldsviks kommun", "Örnsköldsvik"),
        ("sundsvalls", "Sundsvall"),
        ("Ornskoldsvik", "Örnsköldsvik"),
        ("Ö-vik", "Örnsköldsvik"),
        ("övik", "Örnsköldsvik"),
        ("7", "Ånge"),
        ("1", "Sundsvall"),
        ("  TIMRÅ KOMMUN. ", "Timrå"),
        ("Kramfors", "Kramfors"),
        ("kramfors kommun", "Kramfors"),
        ("Härnösands", "Härnösand"),
        ("harnosand", "Härnösand"),
        ("Solleftea", "Sollefteå"),
        ("ange", "Ånge"),
        ("sollef", "Sollefteå"),
    ],
)
def test_answers_people_type_are_understood(typed, name):
    found = match_municipality(typed, COUNTY)
    assert found is not None and found.name == name


@pytest.mark.parametrize("typed", ["", "8", "0", "kommun", "Umeå", "Stockholms stad", "s", "Sund sval x"])
def test_other_answers_match_nothing(typed):
    assert match_municipality(typed, COUNTY) is None


def test_a_stored_case_keeps_its_name_and_older_records_get_the_display_form():
    old = Organisation.model_validate({"kind": "municipality", "name": "Sundsvall"})
    assert old.display == "Sundsvalls kommun"
    region = Organisation(kind=OrgKind.REGION, name="Region Västernorrland")
    assert region.display == "Region Västernorrland"
