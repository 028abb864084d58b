"""The build cache (mk/cached): each step's output is built once per content of its inputs and
shared by the clones of one machine; a changed input builds a new entry."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "mk" / "cached"


def cached(tmp_path: Path, mode: str, dest: str, inputs: list[str], command: str, cache: str | None = None):
    env = {**os.environ, "POLICY_BUILD_CACHE": cache or str(tmp_path / "cache")}
    return subprocess.run([str(SCRIPT), mode, dest, "step", *inputs, "--", "bash", "-c", command],
                          cwd=tmp_path, env=env, capture_output=True, text=True, check=True)


def test_a_linked_step_is_built_once_and_shared_by_a_second_clone(tmp_path):
    for clone in ("a", "b"):
        (tmp_path / clone).mkdir()
        (tmp_path / clone / "list.txt").write_text("numpy==2.0\n")
    build = 'mkdir -p "$OUT" && echo built >> ../builds && echo ok > "$OUT/marker"'
    cached(tmp_path / "a", "link", "env", ["list.txt"], build, str(tmp_path / "cache"))
    cached(tmp_path / "b", "link", "env", ["list.txt"], build, str(tmp_path / "cache"))
    assert (tmp_path / "builds").read_text() == "built\n"          # the second clone reused it
    for clone in ("a", "b"):
        assert (tmp_path / clone / "env").is_symlink()
        assert (tmp_path / clone / "env" / "marker").read_text() == "ok\n"
    (tmp_path / "b" / "list.txt").write_text("numpy==2.1\n")
    cached(tmp_path / "b", "link", "env", ["list.txt"], build, str(tmp_path / "cache"))
    assert (tmp_path / "builds").read_text() == "built\nbuilt\n"   # a changed input builds anew
    assert os.readlink(tmp_path / "a" / "env") != os.readlink(tmp_path / "b" / "env")


def test_a_copied_step_is_restored_as_a_copy_that_the_clone_may_change(tmp_path):
    (tmp_path / "data.yml").write_text("x: 1\n")
    build = 'echo trained >> builds; echo model > model.bin'
    cached(tmp_path, "copy", "model.bin", ["data.yml"], build)
    (tmp_path / "model.bin").unlink()
    cached(tmp_path, "copy", "model.bin", ["data.yml"], build)
    assert (tmp_path / "builds").read_text() == "trained\n"
    assert not (tmp_path / "model.bin").is_symlink() and (tmp_path / "model.bin").read_text() == "model\n"


def test_a_failed_build_is_not_kept(tmp_path):
    (tmp_path / "list.txt").write_text("a\n")
    env = {**os.environ, "POLICY_BUILD_CACHE": str(tmp_path / "cache")}
    failed = subprocess.run([str(SCRIPT), "link", "env", "step", "list.txt", "--", "bash", "-c",
                             'mkdir -p "$OUT"; exit 3'], cwd=tmp_path, env=env, capture_output=True)
    assert failed.returncode != 0 and not (tmp_path / "env").exists()
    cached(tmp_path, "link", "env", ["list.txt"], 'mkdir -p "$OUT" && touch "$OUT/ok"')
    assert (tmp_path / "env" / "ok").exists()


def test_off_builds_in_place(tmp_path):
    (tmp_path / "list.txt").write_text("a\n")
    cached(tmp_path, "link", "env", ["list.txt"], 'mkdir -p "$OUT" && touch "$OUT/ok"', cache="off")
    assert (tmp_path / "env").is_dir() and not (tmp_path / "env").is_symlink()
    assert not (tmp_path / "off").exists()
