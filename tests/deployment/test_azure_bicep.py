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
