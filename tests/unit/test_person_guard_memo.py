"""Person's guard remembers only clean names: a name or sign-in name holding a number is masked
(or dropped) every time it is made, before and after clean people were made, and is never kept
in the memo; the memo stays bounded."""

from __future__ import annotations

from domain import case as case_module
from domain.case import Person
from tests.support.numbers import luhn_digit

NUMBER = "630415-238" + luhn_digit("630415238")  # synthetic


def test_a_name_with_a_number_is_masked_every_time_and_never_remembered() -> None:
    for _ in range(3):
        Person(id="29:karin", name="Karin Holm", upn="karin@region.example")
        person = Person(id="29:x", name=f"Anna {NUMBER}", upn=f"{NUMBER.replace('-', '')}@region.example")
        assert person.name == "Anna [dold]"
        assert person.upn == ""
    remembered = " ".join(case_module._SEEN_CLEAN)
    assert NUMBER not in remembered and NUMBER.replace("-", "") not in remembered
    assert "Karin Holm" in case_module._SEEN_CLEAN


def test_the_memo_is_bounded_and_a_clean_name_stays_clean_after_it_is_emptied() -> None:
    for n in range(case_module._SEEN_CLEAN_LIMIT + 10):
        Person(id=f"29:{n}", name=f"Person {n}")
    assert len(case_module._SEEN_CLEAN) <= case_module._SEEN_CLEAN_LIMIT
    assert Person(id="29:k", name="Karin Holm").name == "Karin Holm"
    assert Person(id="29:x", name=f"Anna {NUMBER}").name == "Anna [dold]"
