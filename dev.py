"""Set up and run the project with nothing but Python ≥ 3.11: `python3 dev.py run|test|bench`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed-from"


def _step(text: str) -> None:
    print(f"==> {text}", flush=True)


def ensure_env() -> None:
    """Create .venv and install the project with its dev tools when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        _step(f"creating a virtual environment in {VENV.name}/")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    _step("installing the project and its dev tools (first run takes a minute)")
    pip = [str(PYTHON), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def run_app(extra: list[str]) -> int:
    """Start the dashboard on the bundled scenarios; Streamlit prints the local URL."""
    _step("starting the dashboard (Ctrl+C stops it)")
    # ui.serve is `streamlit run` plus a warm-up of the pages' imports (a faster first page)
    cmd = [str(PYTHON), "-m", "ui.serve", "run", str(ROOT / "app.py"), *extra]
    return subprocess.call(cmd, cwd=ROOT)


def ensure_chromium() -> None:
    """Install Debian's chromium for the browser tests when it is missing and we are root."""
    if shutil.which("chromium"):
        return
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        _step("installing Debian's chromium for the browser tests")
        quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ,
                                                       "DEBIAN_FRONTEND": "noninteractive"}}
        subprocess.run(["apt-get", "update", "-qq"], check=False, **quiet)  # type: ignore[arg-type]
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False,
                       **quiet)  # type: ignore[arg-type]
    if not shutil.which("chromium"):
        print("note: no chromium; the browser tests will be skipped (install Debian's "
              "chromium to run them)", flush=True)


def run_tests(extra: list[str]) -> int:
    """Run ruff, mypy (strict on budget/, ui/ and app.py) and pytest; non-zero when any fails."""
    ensure_chromium()
    failed = []
    for name, cmd in (
        ("ruff", [str(PYTHON), "-m", "ruff", "check", "."]),
        ("mypy", [str(PYTHON), "-m", "mypy"]),
        ("pytest", [str(PYTHON), "-m", "pytest", *extra]),
    ):
        _step(name)
        if subprocess.call(cmd, cwd=ROOT) != 0:
            failed.append(name)
    if failed:
        print(f"FAILED: {', '.join(failed)}", flush=True)
        return 1
    return 0


def run_bench(extra: list[str]) -> int:
    """Run every benchmark in bench/ and print its figures."""
    code = 0
    for script in sorted((ROOT / "bench").glob("[!_]*.py")):  # _name.py are helpers
        _step(f"bench/{script.name}")
        code |= subprocess.call([str(PYTHON), str(script), *extra], cwd=ROOT)
    return code


def main() -> int:
    """Dispatch `run`, `test` or `bench`."""
    commands = {"run": run_app, "test": run_tests, "bench": run_bench}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print("usage: python3 dev.py run|test|bench [extra args]", file=sys.stderr)
        return 2
    ensure_env()
    return commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
