"""The shipped configs are the ones tested: only ports, addresses and paths are filled in."""

import shutil
import subprocess

import pytest

from tests.e2e.conftest import in_ci
from tests.stack.conftest import ROOT, load_stack_module

stack_module = load_stack_module()
TEMPLATES = ("nginx.conf", "nginx-tls.conf", "supervisord.conf")


def test_every_placeholder_of_the_shipped_configs_gets_a_value(tmp_path):
    values = stack_module.Stack(directory=tmp_path).template_values()
    for name in TEMPLATES:
        text = (ROOT / "deploy" / name).read_text()
        assert stack_module.placeholders(text) <= set(values), name
        rendered = stack_module.render(text, values)
        assert "${" not in rendered
        # nginx's own variables are left alone
        if name.startswith("nginx"):
            assert "$host" in rendered or "$http_host" in rendered


def test_rendering_refuses_a_placeholder_without_a_value():
    with pytest.raises(stack_module.StackError, match="SILA_UNKNOWN"):
        stack_module.render("listen ${SILA_UNKNOWN};", {})
    assert stack_module.render("set $x ${SILA_A}; $host", {"SILA_A": "1"}) == "set $x 1; $host"


def test_the_proxy_image_renders_the_same_as_the_stack(tmp_path):
    envsubst = shutil.which("envsubst")
    if envsubst is None:
        pytest.skip("envsubst is not installed (Debian: gettext-base)")
    values = stack_module.Stack(directory=tmp_path).template_values()
    for name in ("nginx.conf", "nginx-tls.conf"):
        text = (ROOT / "deploy" / name).read_text()
        names = " ".join(f"${{{key}}}" for key in sorted(values))
        shell = subprocess.run(
            [envsubst, names], input=text, capture_output=True, text=True, env=values, check=True
        ).stdout
        assert shell == stack_module.render(text, values)


def test_the_rendered_proxy_configs_pass_nginx_own_check(tmp_path):
    stack = stack_module.Stack(directory=tmp_path / "stack")
    try:
        stack.check_tools()
    except stack_module.StackError as error:
        if in_ci():
            pytest.fail(str(error))
        pytest.skip(str(error))
    for folder in ("conf", "logs", "tls", "nginx/cache", "nginx/tmp"):
        (stack.directory / folder).mkdir(parents=True, exist_ok=True)
    stack.make_certificate()
    stack.write_configs()
    nginx = stack.template_values()["SILA_NGINX"]
    result = subprocess.run(
        [nginx, "-t", "-p", str(stack.directory / "nginx"), "-c", str(stack.conf_dir / "nginx-main.conf")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
