"""kg.signing: a cache entry is read back only with the MAC of this user's key over its name and body."""

from __future__ import annotations

import os
import stat

from kg.signing import key, open_entry, seal_entry


def test_a_sealed_entry_opens_only_unchanged_under_its_own_name_and_key():
    secret, other = b"k" * 32, b"o" * 32
    body = '{"doc_id": "a", "quote": "双重预防机制"}'.encode("utf-8")
    sealed = seal_entry("a-1.json", body, secret)
    assert open_entry("a-1.json", sealed, secret) == body
    assert open_entry("b-1.json", sealed, secret) is None  # another document's name
    assert open_entry("a-1.json", sealed, other) is None  # another user's key
    assert open_entry("a-1.json", sealed.replace("双重".encode("utf-8"), "伪造".encode("utf-8")), secret) is None
    assert open_entry("a-1.json", body, secret) is None  # unsigned (as kg wrote entries before)
    assert open_entry("a-1.json", b"kg-hmac-sha256 zz\n" + body, secret) is None
    assert open_entry("a-1.json", b"", secret) is None


def test_the_key_is_made_once_and_readable_by_the_user_only(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = key()
    assert first and len(first) == 32 and key() == first
    if os.name == "posix":
        assert stat.S_IMODE((tmp_path / "kg" / "state.key").stat().st_mode) == 0o600
