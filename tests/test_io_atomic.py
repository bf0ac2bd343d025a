import os
import stat

import pytest

from kg.io.atomic import atomic_write_bytes, atomic_write_text


def test_written_file_has_the_usual_mode_not_mkstemps_0600(tmp_path):
    p = tmp_path / "a.txt"
    atomic_write_text(p, "应急")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~umask
    assert p.read_bytes() == "应急".encode("utf-8")


def test_failed_write_leaves_previous_file_and_no_temp(tmp_path, monkeypatch):
    p = tmp_path / "a.txt"
    atomic_write_text(p, "old")

    def fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError):
        atomic_write_bytes(p, b"new")
    assert p.read_text(encoding="utf-8") == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["a.txt"]
