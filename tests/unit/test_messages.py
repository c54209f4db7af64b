import re

from messages import CATALOGUES, language, text


def test_every_key_exists_in_both_languages():
    assert set(CATALOGUES["sv"]) == set(CATALOGUES["en"])


def test_placeholders_match_between_languages():
    for key, swedish in CATALOGUES["sv"].items():
        assert set(re.findall(r"{(\w+)}", swedish)) == set(re.findall(r"{(\w+)}", CATALOGUES["en"][key])), key


def test_swedish_unless_the_teams_locale_is_english():
    assert language("sv-SE") == "sv" and language(None) == "sv" and language("fi-FI") == "sv"
    assert language("en-US") == "en" and language("en-GB") == "en"
    assert text("button_submit", "sv-SE") == "Skicka"
