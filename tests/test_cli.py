"""The `aisgf` command end to end, as a person runs it: `aisgf.cli.main` in-process (real processes in
tests/test_cli_smoke.py), a real SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import clirun

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def aisgf(tmp_path: Path, *args: str, check: bool = True, process: bool = False) -> subprocess.CompletedProcess[str]:
    """`aisgf *args` in-process (tests/clirun.py); `process=True` for this file's real-process smoke tests."""
    env = {"AISGF_DATA_DIR": str(tmp_path / "data"), "AISGF_ACTOR": "gina", "COLUMNS": "200",
           "AISGF_NEW_PASSWORD": "Tiered-Governance-2026", "AISGF_DATABASE_URL": None}
    p = (clirun.as_process if process else clirun.in_process)(args, env=env, cwd=tmp_path)
    if check and p.returncode != 0:
        raise AssertionError(f"aisgf {' '.join(args)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def _people(tmp_path: Path) -> None:
    """A migrated registry with the accounts a team has; commands act as gina (AISGF_ACTOR) unless --as."""
    aisgf(tmp_path, "db-upgrade")
    aisgf(tmp_path, "user", "create", "ada", "--admin")  # the first admin: a bootstrap step, as the system
    for args in (["gina", "--role", "governance_lead"], ["bob", "--email", "bob@example.com"],
                 ["rita", "--role", "reviewer", "-f", "business", "-f", "data", "-f", "legal", "-f", "infosec"],
                 ["sam", "--role", "reviewer", "-f", "senior"], ["audrey", "--role", "auditor"], ["oscar"]):
        aisgf(tmp_path, "user", "create", *args, "--as", "ada")


def test_assess_json_and_human(tmp_path: Path) -> None:
    out = json.loads(aisgf(tmp_path, "assess", str(EXAMPLES / "answers-high.yaml"), "--json").stdout)
    assert out["tier"] == "high" and out["lane"] == "slow" and "senior" in out["reviewers"]
    assert all({"id", "title"} <= set(o) for o in out["obligations"]) and out["reasons"]
    human = aisgf(tmp_path, "assess", str(EXAMPLES / "answers-low.yaml")).stdout
    assert "low" in human and "fast" in human


def test_bad_answer_file_exits_non_zero_naming_the_question(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "answers-low.yaml").read_text().replace("sector: general", "sector: casino"))
    p = aisgf(tmp_path, "assess", str(bad), check=False)
    assert p.returncode == 2 and "sector" in p.stderr and "finance" in p.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("system: {name: x\nanswers: [")
    p = aisgf(tmp_path, "assess", str(broken), check=False)
    assert p.returncode == 2 and "broken.yaml" in p.stderr


def test_register_review_live_and_audit(tmp_path: Path) -> None:
    _people(tmp_path)
    aisgf(tmp_path, "system", "add", str(EXAMPLES / "answers-low.yaml"))  # owner bob@example.com: the account bob
    shown = json.loads(aisgf(tmp_path, "system", "show", "meeting-notes", "--json").stdout)
    assert shown["status"] == "in_review" and shown["owner"] == "bob"
    for fn in shown["reviews_required"]:
        aisgf(tmp_path, "review", "meeting-notes", "--function", fn, "--approve", "--as", "rita")
    p = aisgf(tmp_path, "system", "status", "meeting-notes", "live", check=False)
    assert p.returncode == 4 and "cannot go live yet" in p.stderr and "  - 3.2.1.c: open" not in p.stderr
    assert "  - 6.3.a: open" in p.stderr  # the gate lists each open item with why
    p = aisgf(tmp_path, "system", "status", "meeting-notes", "live", "--override", "--as", "bob", check=False)
    assert p.returncode == 5  # an owner may not override the gate
    out = aisgf(tmp_path, "system", "status", "meeting-notes", "live", "--override", "--reason", "pilot for 2 weeks")
    assert "override by gina" in out.stdout
    listed = json.loads(aisgf(tmp_path, "system", "list", "--json").stdout)
    assert listed["items"][0]["status"] == "live" and listed["items"][0]["go_live_override"]["reason"]
    p = aisgf(tmp_path, "system", "show", "nope", check=False)
    assert p.returncode == 3 and "nope" in p.stderr
    assert "OK" in aisgf(tmp_path, "audit", "verify", "--as", "audrey").stdout
    log = json.loads(aisgf(tmp_path, "audit", "log", "--system", "meeting-notes", "--json").stdout)
    assert {"system.registered", "review.recorded", "system.status_changed",
            "system.go_live_overridden"} <= {e["action"] for e in log["items"]}
    actors = {e["action"]: e["actor"] for e in log["items"]}
    assert actors["system.registered"] == "gina" and actors["review.recorded"] == "rita"
    first = json.loads(aisgf(tmp_path, "audit", "log", "--action", "user.created", "--limit", "100",
                             "--json").stdout)["items"]
    assert [e["actor"] for e in first if e["entity_id"] == "ada"] == ["system"]  # the bootstrap step


def test_the_cli_acts_as_an_account_with_its_role(tmp_path: Path) -> None:
    """The same checks as the web: who acts is an existing account, and its role and functions count."""
    _people(tmp_path)
    aisgf(tmp_path, "system", "add", str(EXAMPLES / "answers-low.yaml"))
    p = clirun.in_process(["system", "list"], cwd=tmp_path,
                          env={"AISGF_DATA_DIR": str(tmp_path / "data"), "AISGF_ACTOR": None,
                               "AISGF_DATABASE_URL": None})
    assert p.returncode == 2 and "--as USERNAME or AISGF_ACTOR" in p.stderr, p.stderr
    p = aisgf(tmp_path, "system", "list", "--as", "nobody", check=False)
    assert p.returncode == 2 and "no account 'nobody'" in p.stderr
    # an owner sees only their own systems: to oscar, bob's system does not exist
    assert json.loads(aisgf(tmp_path, "system", "list", "--json", "--as", "oscar").stdout)["total"] == 0
    assert aisgf(tmp_path, "system", "show", "meeting-notes", "--as", "oscar", check=False).returncode == 3
    assert json.loads(aisgf(tmp_path, "system", "list", "--json", "--as", "bob").stdout)["total"] == 1
    # a reviewer decides only for their functions; an owner does not review; an auditor changes nothing
    p = aisgf(tmp_path, "review", "meeting-notes", "--function", "business", "--approve", "--as", "sam",
              check=False)
    assert p.returncode == 5 and "not as business" in p.stderr
    assert aisgf(tmp_path, "review", "meeting-notes", "--function", "business", "--approve", "--as", "bob",
                 check=False).returncode == 5
    assert aisgf(tmp_path, "system", "status", "meeting-notes", "retired", "--as", "audrey",
                 check=False).returncode == 5
    assert aisgf(tmp_path, "audit", "verify", "--as", "bob", check=False).returncode == 5
    assert aisgf(tmp_path, "user", "create", "eve", "--as", "gina", check=False).returncode == 5
    aisgf(tmp_path, "user", "disable", "oscar", "--as", "ada")
    assert aisgf(tmp_path, "system", "list", "--as", "oscar", check=False).returncode == 5  # disabled


def test_audit_verify_fails_after_direct_tampering(tmp_path: Path) -> None:
    import sqlite3

    _people(tmp_path)
    aisgf(tmp_path, "system", "add", str(EXAMPLES / "answers-low.yaml"))
    aisgf(tmp_path, "audit", "keygen", "--private-key", "k/a.key", "--public-key", "a.pub")
    aisgf(tmp_path, "audit", "checkpoint", "--key", "k/a.key", "-o", "cp.json")
    assert aisgf(tmp_path, "audit", "verify", "--checkpoint", "cp.json", "--public-key", "a.pub").returncode == 0
    con = sqlite3.connect(tmp_path / "data" / "aisgf.db")
    con.execute("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2")
    con.commit()
    con.close()
    p = aisgf(tmp_path, "audit", "verify", check=False)
    assert p.returncode == 7 and "event 2" in p.stderr


def test_check_gates_ci(tmp_path: Path) -> None:
    _people(tmp_path)
    aisgf(tmp_path, "system", "add", str(EXAMPLES / "answers-low.yaml"))
    project = tmp_path / "aisgf.yaml"
    low = (EXAMPLES / "answers-low.yaml").read_text()
    project.write_text("aisgf: 1\n" + low)
    p = aisgf(tmp_path, "check", str(project), check=False)
    assert p.returncode == 8 and "review" in p.stderr


@pytest.mark.parametrize("cmd", [["catalog", "coverage"], ["catalog", "show", "6.2.e"], ["rules", "show"]])
def test_catalog_and_rules_commands_run(tmp_path: Path, cmd: list[str]) -> None:
    assert aisgf(tmp_path, *cmd).stdout.strip()


def test_check_without_a_registry_reports_requirements_and_fails(tmp_path: Path) -> None:
    project = tmp_path / "aisgf.yaml"
    project.write_text("aisgf: 1\n" + (EXAMPLES / "answers-high.yaml").read_text())
    env_url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    p = clirun.in_process(["check", str(project), "--json"], cwd=tmp_path,
                          env={"AISGF_DATABASE_URL": env_url, "AISGF_DATA_DIR": str(tmp_path / "d")})
    assert p.returncode == 8, p.stderr
    out = json.loads(p.stdout)
    assert out["registry"] is False and out["tier"] == "high" and "senior" in out["requirements"]["reviewers"]


def test_only_db_upgrade_migrates(tmp_path: Path) -> None:
    """Any other command on an unmigrated database says what to run and creates nothing."""
    p = aisgf(tmp_path, "system", "list", check=False)
    assert p.returncode == 6 and "run aisgf db-upgrade" in p.stderr
    import sqlite3

    db_file = tmp_path / "data" / "aisgf.db"
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("select count(*) from sqlite_master where type='table'").fetchone()[0] == 0
    assert "database ready" in aisgf(tmp_path, "db-upgrade").stdout
    aisgf(tmp_path, "user", "create", "gina", "--admin")
    assert aisgf(tmp_path, "system", "list").returncode == 0
    # a schema behind the newest migration is refused the same way
    with sqlite3.connect(db_file) as conn:
        conn.execute("update alembic_version set version_num = '0001'")
    p = aisgf(tmp_path, "catalog", "import", str(tmp_path / "none.yaml"), check=False)
    assert p.returncode == 6 and "is at migration 0001" in p.stderr and "run aisgf db-upgrade" in p.stderr


# --- a light start: the root lists every command without importing the concerns ---------------------

HEAVY = ("numba", "llvmlite", "hyperscan", "pyarrow", "dask", "distributed", "PIL", "mutagen", "pypdf", "numpy")


def _python(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AISGF_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "200"}
    env.pop("AISGF_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)


@pytest.mark.parametrize("argv", [["--help"], ["catalog", "show", "6.2.e"], ["catalog", "--help"]])
def test_help_and_catalog_import_no_heavy_library(tmp_path: Path, argv: list[str]) -> None:
    code = (
        "import sys\nfrom aisgf.cli import main\n"
        f"sys.argv = ['aisgf', *{argv!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    rc = e.code\n"
        f"print(rc, sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    p = _python(code, tmp_path)
    assert p.stdout.strip().splitlines()[-1] == "0 []", p.stdout + p.stderr


def test_the_listed_help_lines_are_the_commands_own() -> None:
    """`aisgf --help` prints COMMANDS' help lines; they must be what each mounted command says."""
    import inspect

    import typer

    from aisgf.cli import COMMANDS, app

    root = typer.main.get_command(app)
    ctx = typer.Context(root)  # type: ignore[arg-type]
    assert root.list_commands(ctx) == list(COMMANDS)  # type: ignore[attr-defined]
    for name, entry in COMMANDS.items():
        cmd = root.get_command(ctx, name)  # type: ignore[attr-defined]
        assert cmd.name == name
        first = inspect.cleandoc(cmd.short_help or cmd.help or "").partition("\f")[0].split("\n\n")[0]
        assert first.replace("\n", " ").strip() == entry.help, name


@pytest.mark.parametrize(("argv", "blocked", "extra"), [
    (["screen", "corpus.jsonl"], "hyperscan", "screening"),
    (["screen", "verdicts", "m.csv"], "numba", "screening"),
    (["screen-verdicts", "m.csv"], "pyarrow", "screening"),
    (["label", "detect", "."], "PIL", "labeling"),
    (["label", "--help"], "mutagen", "labeling"),
])
def test_a_missing_extra_is_named_in_one_line(tmp_path: Path, argv: list[str], blocked: str, extra: str) -> None:
    """As on a bare `pip install aisgf`: importing the extra's module fails, the command says what to install."""
    from aisgf.errors import EXIT_CHECK_FAILED, MissingExtra

    code = (f"import sys\nsys.modules[{blocked!r}] = None\nfrom aisgf.cli import main\n"
            f"sys.argv = ['aisgf', *{argv!r}]\nmain()\n")
    p = _python(code, tmp_path)
    assert p.returncode == MissingExtra.exit_code == 9 and p.returncode not in (1, EXIT_CHECK_FAILED)
    assert p.stderr == (f"error: aisgf {argv[0]} needs the [{extra}] extra, which is not installed "
                        f"(no module {blocked!r}): pip install 'aisgf[{extra}]'\n"), p.stderr
    assert p.stdout == ""


def test_screen_dask_without_the_dask_extra(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text("hello world, a document long enough")
    code = ("import sys\nsys.modules['distributed'] = None\nfrom aisgf.cli import main\n"
            "sys.argv = ['aisgf', 'screen', 'c.txt', '--dask', 'tcp://127.0.0.1:1']\nmain()\n")
    p = _python(code, tmp_path)
    assert p.returncode == 9 and "pip install 'aisgf[dask]'" in p.stderr and "Traceback" not in p.stderr


def test_usage_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    p = aisgf(tmp_path, "catalog", "show", "--no-such-option", check=False)
    assert p.returncode == 2 and "No such option" in p.stderr and "Traceback" not in p.stderr
    p = aisgf(tmp_path, "no-such-command", check=False)
    assert p.returncode == 2 and "No such command" in p.stderr and "Traceback" not in p.stderr


def test_exit_codes_are_the_documented_ones() -> None:
    """README's exit-code line is the errors' own codes (a changed code must change the README too)."""
    from aisgf import errors

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = readme[readme.index("Exit codes:"):].split("\n\n")[0].replace("\n", " ")
    for cls, words in [(errors.InvalidInput, "invalid input"), (errors.NotFound, "not found"),
                       (errors.Conflict, "conflict"), (errors.Forbidden, "unauthorised"),
                       (errors.DatabaseUnavailable, "database unavailable"),
                       (errors.IntegrityFailure, "integrity failure"),
                       (errors.MissingExtra, "extra not installed")]:
        assert f"{cls.exit_code} {words}" in line, (cls, line)
    assert f"{errors.EXIT_CHECK_FAILED} a check ran and failed" in line, line


def test_waivers_retire_and_reinstate_from_the_cli(tmp_path: Path) -> None:
    _people(tmp_path)
    aisgf(tmp_path, "user", "create", "lena", "--role", "governance_lead", "--as", "ada")
    aisgf(tmp_path, "system", "add", str(EXAMPLES / "answers-low.yaml"))
    ob = json.loads(aisgf(tmp_path, "obligation", "list", "--system", "meeting-notes", "--json").stdout)["items"][0]
    aisgf(tmp_path, "obligation", "update", str(ob["id"]), "--status", "waived", "--waiver-reason", "pilot",
          "--waiver-expires", "2027-01-31")  # gina requests it
    listed = aisgf(tmp_path, "obligation", "waivers").stdout
    assert "requested by gina" in listed
    p = aisgf(tmp_path, "obligation", "waiver", str(ob["id"]), "--approve", check=False)
    assert p.returncode == 5 and "second person" in p.stderr  # not her own
    out = aisgf(tmp_path, "obligation", "waiver", str(ob["id"]), "--approve", "--as", "lena").stdout
    assert "waiver approved, status waived" in out
    assert "0 obligation(s) reopened" in aisgf(tmp_path, "obligation", "expire-waivers").stdout
    p = aisgf(tmp_path, "system", "status", "meeting-notes", "retired", "--reason", "replaced", check=False)
    assert p.returncode == 2 and "confirm" in p.stderr
    assert "retired" in aisgf(tmp_path, "system", "status", "meeting-notes", "retired", "--reason", "replaced",
                              "--confirm").stdout
    assert aisgf(tmp_path, "system", "reinstate", "meeting-notes", "--reason", "x", "--as", "bob",
                 check=False).returncode == 5
    assert "meeting-notes: in_review" in aisgf(tmp_path, "system", "reinstate", "meeting-notes", "--reason",
                                               "misclick").stdout
