"""Installs: the bundled data is found from a wheel installed with --user and with --target."""
import os
import subprocess
import sys

import pytest

from helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return next(out.glob("cchc_xl-*.whl"))


def _run(env, cwd, *args):
    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=cwd)


@pytest.mark.parametrize("layout", ["--user", "--target"])
def test_wheel_layout_runs_every_data_command(wheel, tmp_path, layout):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if layout == "--user":
        # pip refuses --user inside a venv: the base interpreter's pip makes the real user-site
        # layout, which the venv's Python (with the dependencies) then runs from
        base = getattr(sys, "_base_executable", sys.executable)
        env["PYTHONUSERBASE"] = str(tmp_path / "userbase")
        proc = subprocess.run([base, "-m", "pip", "install", "-q", "--user", "--no-deps", "--no-warn-script-location",
                               str(wheel)], capture_output=True, text=True, env=env)
        site = subprocess.run([base, "-c", "import site; print(site.getusersitepackages())"], capture_output=True,
                              text=True, env=env).stdout.strip()
        env["PYTHONPATH"] = site
    else:
        env["PYTHONPATH"] = str(tmp_path / "target")
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                               str(tmp_path / "target"), str(wheel)], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run([sys.executable, "-c", "import cchc_xl; print(cchc_xl.__file__)"], capture_output=True,
                           text=True, env=env, cwd=work).stdout
    assert str(tmp_path) in where  # the installed copy, not the source tree
    demo = _run(env, work, "demo", "-o", "thu")
    assert demo.returncode == 0, demo.stderr
    assert (work / "thu" / "bao_cao_ngoc_ky_6thang_2023.docx").exists() and (work / "thu" / "tong_hop.xlsx").exists()
    templates = _run(env, work, "templates")
    assert templates.returncode == 0 and "cap_xa_2023" in templates.stdout
    assert _run(env, work, "new", "-o", "moi.xlsx").returncode == 0 and (work / "moi.xlsx").exists()
    assert _run(env, work, "report", work / "thu" / "ngoc_ky_6thang_2023.xlsx", "-o", "bc.docx").returncode == 0
    against = _run(env, work, "check", work / "thu" / "ngoc_ky_6thang_2023.xlsx", "--against", "cap_xa_2023")
    assert against.returncode == 0, against.stderr
