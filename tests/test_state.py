"""kg.state: a build state is read back only whole, signed with this user's key and from this code."""

from __future__ import annotations

from kg.graph.update import build_state
from kg.state import STATE_NAME, BuildState, load_state, save_state
from tests.graph_fixtures import corpus


def _state(fingerprint: str = "f1") -> BuildState:
    return BuildState(fingerprint, {}, build_state(*corpus()))


def test_a_saved_state_loads_back(tmp_path):
    save_state(tmp_path, _state())
    back = load_state(tmp_path, "f1")
    assert back is not None and back.graph.facts.keys() == _state().graph.facts.keys()
    assert len(back.graph.builder.nodes) == len(_state().graph.builder.nodes)


def test_a_state_from_other_code_is_ignored(tmp_path):
    save_state(tmp_path, _state("old"))
    assert load_state(tmp_path, "new") is None


def test_a_missing_truncated_or_altered_state_is_ignored(tmp_path):
    assert load_state(tmp_path, "f1") is None
    save_state(tmp_path, _state())
    data = (tmp_path / STATE_NAME).read_bytes()
    (tmp_path / STATE_NAME).write_bytes(data[: len(data) // 2])
    assert load_state(tmp_path, "f1") is None
    (tmp_path / STATE_NAME).write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    assert load_state(tmp_path, "f1") is None
