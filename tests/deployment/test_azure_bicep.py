"""deployment/azure/main.bicep, read as text (no Bicep compiler here): the resources the go-live
needs are there, configured as the runbook says, and every setting it passes exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import _setting_env_names

AZURE = Path(__file__).resolve().parents[2] / "deployment" / "azure"
BICEP = (AZURE / "main.bicep").read_text()


def resource_types() -> set[str]:
    return set(re.findall(r"^resource \w+ '([^@']+)@", BICEP, flags=re.MULTILINE))


def test_every_resource_the_go_live_needs_is_declared():
    assert {
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "Microsoft.BotService/botServices",
        "Microsoft.BotService/botServices/channels",
        "Microsoft.App/managedEnvironments",
        "Microsoft.App/containerApps",
        "Microsoft.Cache/redisEnterprise",
        "Microsoft.Cache/redisEnterprise/databases",
        "Microsoft.KeyVault/vaults",
        "Microsoft.OperationalInsights/workspaces",
    } <= resource_types()


def test_the_bot_is_a_user_assigned_managed_identity_on_the_teams_channel_without_a_secret():
    assert "msaAppType: 'UserAssignedMSI'" in BICEP and "msaAppMSIResourceId: idBot.id" in BICEP
    assert "channelName: 'MsTeamsChannel'" in BICEP
    assert "MicrosoftAppPassword" not in BICEP


def test_the_app_runs_two_replicas_https_only_with_health_and_readiness_probes():
    assert re.search(r"@minValue\(2\)\nparam minReplicas int = 2", BICEP)
    assert "allowInsecure: false" in BICEP
    assert re.search(r"type: 'Liveness'\s+httpGet: \{ path: '/healthz'", BICEP)
    assert re.search(r"type: 'Readiness'[^\n]*\n\s+httpGet: \{ path: '/readyz'", BICEP)


def test_redis_persists_speaks_tls_only_has_no_public_access_and_keys_share_one_slot():
    assert "aofEnabled: true" in BICEP and "clientProtocol: 'Encrypted'" in BICEP
    assert "publicNetworkAccess: 'Disabled'" in BICEP and "evictionPolicy: 'NoEviction'" in BICEP
    assert "{ name: 'REDIS_KEY_PREFIX', value: '{sid}' }" in BICEP
    assert "rediss://" in BICEP


def test_every_setting_the_container_gets_is_a_setting_the_bot_knows():
    names = set(re.findall(r"\{ name: '([A-Za-z_]+)', (?:value|secretRef):", BICEP))
    assert {"MicrosoftAppId", "MicrosoftAppType", "ALLOWED_TENANT_IDS", "REDIS_URL", "METRICS_TOKEN"} <= names
    assert names <= _setting_env_names()


def test_the_parameter_file_is_for_sweden_central_and_names_only_declared_parameters():
    parameters = json.loads((AZURE / "main.swedencentral.parameters.json").read_text())["parameters"]
    declared = set(re.findall(r"^param (\w+) ", BICEP, flags=re.MULTILINE))
    assert parameters["location"]["value"] == "swedencentral"
    assert set(parameters) <= declared
    assert "metricsToken" not in parameters  # a secret: given at deployment, never in the repository


SERVICENOW_PLAIN = {
    "SERVICENOW_INSTANCE_URL": "servicenowInstanceUrl",
    "SERVICENOW_TABLE": "servicenowTable",
    "SERVICENOW_ASSIGNMENT_GROUP": "servicenowAssignmentGroup",
    "SERVICENOW_CATEGORY": "servicenowCategory",
    "SERVICENOW_CLIENT_ID": "servicenowClientId",
    "SERVICENOW_USER": "servicenowUser",
}
SERVICENOW_SECRET = {  # setting -> (secure parameter, Key Vault secret resource)
    "SERVICENOW_CLIENT_SECRET": ("servicenowClientSecret", "snowClientSecret"),
    "SERVICENOW_PASSWORD": ("servicenowPassword", "snowPassword"),
    "SERVICENOW_CALLBACK_SECRET": ("servicenowCallbackSecret", "snowCallback"),
}


def var_value(name: str) -> str:
    match = re.search(
        rf"^var {name} = (.*?)(?=^var |^resource |^//|\Z)", BICEP, flags=re.MULTILINE | re.DOTALL
    )
    assert match, f"var {name} is not declared"
    return match.group(1)


def container_lists(key: str) -> set[str]:
    """The vars a container's `key:` list concatenates, following concat() one level at a time."""
    match = re.search(rf"^\s+{key}: concat\(\[.*?\], (\w+)\)", BICEP, flags=re.MULTILINE | re.DOTALL)
    assert match, f"the container's {key} do not take the ServiceNow list"
    names, todo = set(), [match.group(1)]
    while todo:
        name = todo.pop()
        names.add(name)
        inner = re.fullmatch(r"concat\(([\w, ]+)\)\s*", var_value(name))
        todo += [part.strip() for part in inner.group(1).split(",")] if inner else []
    return names


def test_servicenow_settings_reach_the_container_env_as_optional_plain_parameters():
    env = "".join(var_value(name) for name in container_lists("env"))
    for setting, param in SERVICENOW_PLAIN.items():
        assert f"{{ name: '{setting}', value: {param} }}" in env
        default = re.search(rf"^param {param} string = '([^']*)'$", BICEP, flags=re.MULTILINE)
        assert default, f"{param} is not an optional string parameter"
        assert default.group(1) == ("incident" if param == "servicenowTable" else "")  # empty = off
    assert set(SERVICENOW_PLAIN) | set(SERVICENOW_SECRET) <= _setting_env_names()


def test_servicenow_secrets_come_from_key_vault_through_the_app_identity_and_only_when_given():
    env = "".join(var_value(name) for name in container_lists("env"))
    secrets = "".join(var_value(name) for name in container_lists("secrets"))
    for setting, (param, resource) in SERVICENOW_SECRET.items():
        assert re.search(rf"@secure\(\)\nparam {param} string = ''\n", BICEP), (
            f"{param} must be @secure, empty"
        )
        secret = re.search(
            rf"^resource {resource} '[^']+' = \{{\n(.*?)^\}}", BICEP, flags=re.MULTILINE | re.DOTALL
        )
        assert secret and "parent: kv" in secret.group(1) and f"? {param} :" in secret.group(1)
        name = re.search(r"name: '([a-z-]+)'", secret.group(1))
        assert name is not None
        ref = re.search(
            rf"(\w+) \? \[ \{{ name: '{setting}', secretRef: '{name.group(1)}' \}} \] : \[\]", env
        )
        assert ref, f"{setting} is not a secretRef to {name.group(1)}"
        entry = (
            f"{{ name: '{name.group(1)}', keyVaultUrl: {resource}.properties.secretUri, identity: idApp.id }}"
        )
        assert re.search(rf"{ref.group(1)} \? \[ {re.escape(entry)} \] : \[\]", secrets)
        assert re.search(rf"^var {ref.group(1)} = !empty\({param}\)$", BICEP, flags=re.MULTILINE)
        assert f"value: {param}" not in env  # never a plain value in the container


def test_the_parameter_file_holds_no_servicenow_secret():
    parameters = json.loads((AZURE / "main.swedencentral.parameters.json").read_text())["parameters"]
    assert set(SERVICENOW_PLAIN.values()) <= set(parameters)
    assert not {param for param, _ in SERVICENOW_SECRET.values()} & set(parameters)
