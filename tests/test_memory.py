"""minigan.memory: glibc keeps freed blocks for reuse, unless the user chose otherwise."""

import platform

import pytest

from minigan import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's; elsewhere nothing is tuned")
def test_keep_freed_memory_takes_effect_on_glibc(monkeypatch):
    for name in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", memory.OPT_OUT):
        monkeypatch.delenv(name, raising=False)
    assert memory.keep_freed_memory() is True


@pytest.mark.parametrize("name", ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"])
def test_a_policy_the_user_set_is_left_alone(monkeypatch, name):
    monkeypatch.setenv(name, "131072")
    assert memory.keep_freed_memory() is False


def test_the_setting_can_be_turned_off(monkeypatch):
    monkeypatch.setenv(memory.OPT_OUT, "0")
    assert memory.keep_freed_memory() is False
