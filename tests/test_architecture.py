"""The house rules that code review cannot keep by itself: import direction, one namespace,
settings declared once (README table, config show and the example env file agree)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_ddor
from ddor_watch.monitor.config import Settings, env_name, is_secret, settings_table

ROOMS = ("db", "scraper", "monitor", "publish")


def _link_tree(tmp_path: Path) -> Path:
    """The packages under their installed names (the repository keeps top-level folders)."""
    package = tmp_path / "ddor_watch"
    package.mkdir()
    for room in ROOMS:
        (package / room).symlink_to(ROOT / room)
    return tmp_path


def test_imports_follow_the_rooms_direction_with_no_cycles(tmp_path: Path) -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a test dependency"
    result = subprocess.run([lint, str(ROOT / "pyproject.toml")], capture_output=True, text=True, timeout=120,
                            cwd=_link_tree(tmp_path), env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


def test_the_wheel_installs_one_top_level_package(tmp_path: Path) -> None:
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=300)
    names = zipfile.ZipFile(next(tmp_path.glob("ddor_watch-*.whl"))).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"ddor_watch"}
    assert "ddor_watch/scraper/pdf/data/offence_categories.txt" in names
    from ddor_watch.publish.render import template_dir

    shipped = {str(p.relative_to(template_dir())) for p in template_dir().rglob("*.j2")}
    assert shipped and all(f"ddor_watch/templates/{name}" in names for name in shipped)
    assert "ddor_watch/db/migrations/versions/0001_initial_schema.py" in names
    assert "ddor_watch/monitor/samples/newsroom.py" in names


def test_the_readme_table_is_the_settings_declaration() -> None:
    readme = (ROOT / "README.md").read_text()
    table = "\n".join(settings_table())
    assert table in readme, "regenerate with `ddor config show --format markdown`"


def test_config_show_lists_every_setting_once() -> None:
    result = run_ddor("config", "show", env={"DDOR_DATA_DIR": "/nonexistent/for-show"})
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == [env_name(name) for name in Settings.model_fields]


def test_the_example_env_file_names_only_real_settings_and_keeps_secrets_in_files() -> None:
    text = (ROOT / "deploy" / "ddor.env.example").read_text()
    fields = {env_name(name): field for name, field in Settings.model_fields.items()}
    seen = re.findall(r"^#?\s*(DDOR_[A-Z_]+)=", text, flags=re.M)
    assert seen
    for variable in seen:
        base = variable.removesuffix("_FILE")
        assert base in fields, f"{variable} is not a setting"
        if variable.endswith("_FILE"):
            assert is_secret(fields[base]), f"{variable}: only secrets are read from files"
    live = re.findall(r"^(DDOR_[A-Z_]+)=", text, flags=re.M)
    assert not [v for v in live if is_secret(fields[v.removesuffix("_FILE")]) and not v.endswith("_FILE")]


@pytest.mark.parametrize(("env", "message"), [
    ({"DDOR_SMTP_SECURITY": "bogus"}, "DDOR_SMTP_SECURITY"),
    ({"DDOR_PUBLISH_ENABLED": "maybe"}, "DDOR_PUBLISH_ENABLED"),
    ({"DDOR_MAX_ATTEMPTS": "many"}, "DDOR_MAX_ATTEMPTS"),
    ({"DDOR_MAX_ATTEMPTS": "0"}, "DDOR_MAX_ATTEMPTS"),
    ({"DDOR_LINK_PATTERNS": "(unclosed"}, "DDOR_LINK_PATTERNS"),
    ({"DDOR_PUBLISH_ENABLD": "true"}, "DDOR_PUBLISH_ENABLD: unknown setting"),
    ({"DDOR_SMTP_PASSWORD_FILE": "/nonexistent/secret"}, "DDOR_SMTP_PASSWORD_FILE"),
])
def test_a_bad_setting_is_one_line_naming_it_and_exit_2(env: dict[str, str], message: str) -> None:
    result = run_ddor("config", "show", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_a_missing_or_broken_config_file_is_exit_2(tmp_path: Path) -> None:
    missing = run_ddor("--config", str(tmp_path / "nope.toml"), "config", "show")
    assert missing.returncode == 2 and "no such config file" in missing.stderr
    broken = tmp_path / "ddor.toml"
    broken.write_text("schedule = [unclosed\n")
    result = run_ddor("--config", str(broken), "config", "show")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    broken.write_text('shedule = "0 9 * * *"\n')
    result = run_ddor("--config", str(broken), "config", "show")
    assert result.returncode == 2 and "unknown setting 'shedule'" in result.stderr


def test_secrets_come_from_files_and_the_database_password_is_masked(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text("file-held-token-0123\n")
    result = run_ddor("config", "show", env={"DDOR_MASTODON_ACCESS_TOKEN_FILE": str(secret),
                                             "DDOR_DATABASE_URL": "postgresql+psycopg://ddor:hunter2@db/ddor"})
    assert result.returncode == 0, result.stderr
    assert "file-held-token" not in result.stdout and "****23" in result.stdout
    assert "hunter2" not in result.stdout and "postgresql+psycopg://ddor:***@db/ddor" in result.stdout


def test_slices_never_show_credentials() -> None:
    from ddor_watch.monitor.config import load_config, publish_settings

    settings = load_config(environ={"DDOR_X_CONSUMER_SECRET": "cs-very-secret", "DDOR_SMTP_PASSWORD": "pw-secret"},
                           read_default_file=False)
    shown = repr(publish_settings(settings)) + repr(settings)
    assert "cs-very-secret" not in shown and "pw-secret" not in shown


def test_a_setting_named_like_a_file_is_not_mistaken_for_a_secret_file() -> None:
    from ddor_watch.monitor.config import load_config

    settings = load_config(environ={"DDOR_SMTP_CA_FILE": "/etc/ssl/relay.pem"}, read_default_file=False)
    assert settings.smtp_ca_file == "/etc/ssl/relay.pem"


def test_plain_http_unsubscribe_links_are_warned_about_when_digests_go_out() -> None:
    result = run_ddor("config", "show", env={"DDOR_SMTP_HOST": "smtp.example.org",
                                             "DDOR_PUBLIC_URL": "http://ddor.example.org"})
    assert result.returncode == 0 and "DDOR_PUBLIC_URL http://ddor.example.org is not https" in result.stderr
    quiet = run_ddor("config", "show", env={"DDOR_SMTP_HOST": "smtp.example.org",
                                            "DDOR_PUBLIC_URL": "https://ddor.example.org"})
    assert "not https" not in quiet.stderr


# The shared machinery reads the registries; a source or a channel is named only by its module.
SHARED = ["scraper/crawl.py", "scraper/spiders/watch.py", "scraper/pipelines.py", "monitor/cycle.py",
          "monitor/list_checks.py", "monitor/dispatch.py", "monitor/site_data.py", "publish/outbox.py",
          "publish/site.py", "publish/channels/factory.py"]


def test_the_crawl_cycle_outbox_and_site_never_name_a_source_or_a_channel() -> None:
    import ast

    from ddor_watch.db.records import ChannelName
    from ddor_watch.scraper.sources import SOURCES

    names = set(SOURCES) | {str(c) for c in ChannelName}
    members = {c.name for c in ChannelName}
    for relative in SHARED:
        tree = ast.parse((ROOT / relative).read_text())
        named = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in names]
        named += [f"ChannelName.{node.attr}" for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                  and isinstance(node.value, ast.Name) and node.value.id == "ChannelName" and node.attr in members]
        assert named == [], f"{relative} names {named}"


def test_every_registered_source_and_channel_declares_what_runs_it() -> None:
    from ddor_watch.db.records import ChannelName
    from ddor_watch.publish.channels.registry import CHANNELS
    from ddor_watch.publish.common import LENGTH, LIMITS
    from ddor_watch.publish.render import template_dir
    from ddor_watch.scraper.sources import SOURCES, SourceKind

    for name, source in SOURCES.items():
        assert source.name == name and source.agency and source.title and source.start_urls, name
        if source.kind is not SourceKind.DDOR_REPORT:
            assert source.parse is not None, f"{name} declares how to read it"
            kind = source.kind.message_kind
            for channel in CHANNELS.values():
                folder = "email" if not channel.posts else str(channel.name)
                template = f"{folder}/{kind}.txt.j2"
                assert (template_dir() / template).is_file(), f"{name}: {template}"
    assert set(CHANNELS) == set(ChannelName), "every channel has a module with a SPEC"
    for name, spec in CHANNELS.items():
        assert callable(spec.configured) and callable(spec.live) and callable(spec.dry_run), name
        if spec.posts:
            assert name in LIMITS and name in LENGTH, f"{name} declares its limit and how it counts"
            for kind in ("report", "correction", "list", "agreements"):
                assert (template_dir() / f"{name}/{kind}.txt.j2").is_file(), f"{name}/{kind}"
