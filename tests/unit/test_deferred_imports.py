"""dialogs/deferred_imports.py: the stand-ins load the real libraries on use, and only then.

Each check runs in a fresh interpreter: this test process has usually imported
botbuilder.dialogs (and so the real libraries) long before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_LOADED = "lambda name: getattr(sys.modules.get(name), '__file__', None) is not None"


def run(code: str) -> dict[str, object]:
    prelude = f"import json, sys\nloaded = {_LOADED}\n"
    result = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return answer


def test_the_bot_with_its_dialogs_loads_neither_library() -> None:
    answer = run(
        "import bot, app, dialogs.personal_chat\n"
        "print(json.dumps({m: loaded(m) for m in ('recognizers_date_time', 'emoji', 'botbuilder.dialogs')}))"
    )
    assert answer == {"recognizers_date_time": False, "emoji": False, "botbuilder.dialogs": True}


def test_a_choice_prompt_recognises_numbers_and_ordinals_without_them() -> None:
    answer = run(
        "import dialogs\n"
        "from botbuilder.dialogs.choices import ChoiceRecognizers\n"
        "pick = lambda text: [m.resolution.index for m in ChoiceRecognizers.recognize_choices(text, ['Ja', 'Nej'])]\n"
        "print(json.dumps({'2': pick('2'), 'second': pick('the second one'), 'nej': pick('nej'),\n"
        "                  'emoji': loaded('emoji'), 'datetime': loaded('recognizers_date_time')}))"
    )
    assert answer == {"2": [1], "second": [1], "nej": [1], "emoji": False, "datetime": False}


def test_a_datetime_prompt_still_works_it_loads_the_real_recogniser_on_first_use() -> None:
    answer = run(
        "import dialogs\n"
        "from botbuilder.dialogs.prompts import datetime_prompt\n"
        "before = loaded('recognizers_date_time')\n"
        "found = datetime_prompt.recognize_datetime('5 March 2026 at 10am', 'en-us')\n"
        "again = datetime_prompt.recognize_datetime('6 March 2026', 'en-us')\n"
        "print(json.dumps({'before': before, 'after': loaded('recognizers_date_time'),\n"
        "                  'first': found[0].resolution['values'][0]['value'],\n"
        "                  'second': again[0].resolution['values'][0]['value']}))"
    )
    assert answer == {
        "before": False,
        "after": True,
        "first": "2026-03-05 10:00:00",
        "second": "2026-03-06",
    }


def test_a_confirm_prompt_still_works_and_the_emoji_table_is_the_real_one() -> None:
    answer = run(
        "import dialogs\n"
        "from recognizers_choice import recognize_boolean\n"
        "from recognizers_text.utilities import StringUtility\n"
        "yes = recognize_boolean('yes please', 'en-us')[0].resolution['value']\n"
        "no = recognize_boolean('no thanks', 'en-us')\n"
        "real = loaded('emoji')\n"
        "import emoji\n"
        "same = all(StringUtility.is_emoji(c) == (c in emoji.UNICODE_EMOJI) for c in ['x', '👎', 'en'])\n"
        "print(json.dumps({'yes': yes, 'no': [r.resolution['value'] for r in no], 'same': same,\n"
        "                  'real': real}))"
    )
    assert answer == {"yes": True, "no": [False], "same": True, "real": True}


def test_introspection_does_not_load_them_and_defer_is_idempotent() -> None:
    answer = run(
        "import dialogs\n"
        "from dialogs.deferred_imports import defer\n"
        "stand_in = sys.modules['emoji']\n"
        "defer()\n"
        "files = [getattr(m, '__file__', None) for m in list(sys.modules.values())]\n"
        "print(json.dumps({'same': sys.modules['emoji'] is stand_in, 'emoji': loaded('emoji'),\n"
        "                  'datetime': loaded('recognizers_date_time')}))"
    )
    assert answer == {"same": True, "emoji": False, "datetime": False}
