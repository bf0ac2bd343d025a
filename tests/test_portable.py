"""kg.portable: the copies work without the Linux-only calls, and kg forks only where it is safe."""

from __future__ import annotations

import os
import sys

import pytest

from kg.portable import O_BINARY, can_fork, copy_range, read_at


@pytest.mark.parametrize("missing", [(), ("copy_file_range",), ("copy_file_range", "pread")])
def test_a_range_is_copied_with_or_without_the_kernel(tmp_path, monkeypatch, missing):
    for name in missing:
        monkeypatch.delattr(os, name, raising=False)
    data = bytes(range(256)) * 4000 + "结尾\r\n".encode("utf-8")
    (tmp_path / "a").write_bytes(data)
    src = os.open(tmp_path / "a", os.O_RDONLY | O_BINARY)
    out = os.open(tmp_path / "b", os.O_WRONLY | os.O_CREAT | O_BINARY, 0o600)
    try:
        copy_range(src, out, 5, 1000)
        copy_range(src, out, len(data) - 300_000, 300_000)
        assert read_at(src, 10, len(data) - 4) == data[-4:]  # short at the end of the file
    finally:
        os.close(src)
        os.close(out)
    assert (tmp_path / "b").read_bytes() == data[5:1005] + data[-300_000:]


def test_a_range_past_the_end_is_an_error_not_a_short_file(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "copy_file_range", raising=False)
    (tmp_path / "a").write_bytes(b"abc")
    src = os.open(tmp_path / "a", os.O_RDONLY)
    out = os.open(tmp_path / "b", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(OSError):
            copy_range(src, out, 1, 10)
    finally:
        os.close(src)
        os.close(out)


def test_no_fork_on_macos_or_where_there_is_none(monkeypatch):
    import multiprocessing

    monkeypatch.setattr(sys, "platform", "darwin")  # forking there breaks system libraries
    assert not can_fork()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert not can_fork()
