"""A store file written before secure_delete was on can hold deleted values in free pages; the
bot rebuilds such a file once when it opens it, so a purge is final in the bytes there too."""

from __future__ import annotations

import sqlite3

from adapters.sqlite_store import FILE_NAME, SqliteStores
from tests.privacy.conftest import PATIENT_ID, leaks, store_files


async def test_an_old_file_with_deleted_ids_in_free_pages_is_rebuilt_once(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    old = sqlite3.connect(data / FILE_NAME)
    old.execute("PRAGMA secure_delete = OFF")  # as a build without SQLITE_SECURE_DELETE would
    old.execute("CREATE TABLE legacy (body TEXT)")
    old.executemany("INSERT INTO legacy VALUES (?)", [(f"{PATIENT_ID} {n} " * 40,) for n in range(200)])
    old.commit()
    old.execute("DELETE FROM legacy")
    old.commit()
    old.close()
    assert leaks(store_files(data)), "the deleted values are still in the file's free space"

    stores = await SqliteStores.open(data)
    assert leaks(store_files(data)) == []
    await stores.close()
    assert leaks(store_files(data)) == []
