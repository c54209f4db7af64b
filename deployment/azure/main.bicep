// Skyddad ID-bot in Azure: one resource group, everything the bot needs to go live.
//
//   az deployment group create -g rg-skyddad-id -f deployment/azure/main.bicep \
//     -p deployment/azure/main.swedencentral.bicepparam
//
// What it builds (deployment/azure/README.md has the picture and the reasons):
//   - idBot     user-assigned managed identity = the bot's identity (msaAppType UserAssignedMSI):
//               no client secret exists to leak or rotate
//   - idApp     a second identity for the container's own Azure access (Key Vault, registry), so
//               the bot identity holds no Azure role at all
//   - bot       Azure Bot (Microsoft.BotService/botServices) with the Microsoft Teams channel
//   - cae, app  Container Apps environment in a VNet + the app: >= 2 replicas, HTTPS-only
//               ingress, liveness /healthz, readiness /readyz
//   - redis     Azure Managed Redis: AOF persistence (1 s), TLS only, private endpoint only
//   - kv        Key Vault (RBAC, purge protection, private endpoint only) for the remaining
//               secrets: the Redis URL (with its access key), the /metrics bearer token and,
//               with ServiceNow on, its client secret or password and its callback secret
//   - law       Log Analytics for the container logs (JSON lines)
// Plain Bicep on purpose (no modules, no loops over objects): it is read by people who
// approve it, and no Bicep compiler is available where it was written. Validate it with
// `az bicep build -f main.bicep` before the first deployment.

targetScope = 'resourceGroup'

@description('Azure region. Sweden Central keeps the data in Sweden.')
param location string = 'swedencentral'

@description('Short name used in every resource name.')
@minLength(3)
@maxLength(12)
param name string = 'skyddadid'

@description('Container image, e.g. myregistry.azurecr.io/skyddad-id-bot:0.1.0 (pin a digest for a release).')
param image string

@description('Login server of the registry holding the image; idApp needs AcrPull on it (RUNBOOK.md).')
param registryServer string

@description('Tenants whose Teams users may use the bot (ALLOWED_TENANT_IDS); the region first.')
@minLength(1)
param allowedTenantIds array

@description('Central admins: Teams or Entra object ids, comma-separated, `id=Name` allowed (ADMIN_IDS).')
param adminIds string

@description('Admin leads, same format (ADMIN_LEAD_IDS).')
param adminLeadIds string = ''

@description('Team id of the central LifeCare SP team (CENTRAL_TEAM_ID); empty = link with `@bot koppla kanal`.')
param centralTeamId string = ''

@description('Central case channel (CENTRAL_CHANNEL_ID); empty = link with `@bot koppla kanal`.')
param centralChannelId string = ''

@description('Bearer token Prometheus must send to GET /metrics (METRICS_TOKEN). Generate: openssl rand -hex 32.')
@secure()
@minLength(32)
param metricsToken string

@description('Minimum replicas: two, so a restart or a zone outage never stops the bot.')
@minValue(2)
param minReplicas int = 2

@description('Maximum replicas under load.')
@minValue(2)
param maxReplicas int = 4

@description('Azure Managed Redis size. Balanced_B1 (about 1 GB usable) holds many years of cases.')
param redisSku string = 'Balanced_B1'

@description('Days Log Analytics keeps logs (the audit trail lives in Redis, not here).')
@minValue(30)
param logRetentionDays int = 90

// --- ServiceNow (optional; RUNBOOK.md section 12). Empty servicenowInstanceUrl = off: the admins
// create the vendor's ticket by hand. The three secrets go to Key Vault like metricsToken: give them
// at every deployment (-p servicenowClientSecret=...), never in the parameters file. An empty
// secret creates no Key Vault secret and no setting.
@description('https://<instance>.service-now.com (SERVICENOW_INSTANCE_URL); empty = ServiceNow off.')
param servicenowInstanceUrl string = ''

@description('Table the vendor\'s record is created in (SERVICENOW_TABLE).')
@minLength(1)
param servicenowTable string = 'incident'

@description('assignment_group of the record: the vendor\'s group, sys_id or name (SERVICENOW_ASSIGNMENT_GROUP); empty = unset.')
param servicenowAssignmentGroup string = ''

@description('category of the record (SERVICENOW_CATEGORY); empty = unset.')
param servicenowCategory string = ''

@description('OAuth client id (SERVICENOW_CLIENT_ID); with servicenowClientSecret. Not a secret.')
param servicenowClientId string = ''

@description('Basic auth user (SERVICENOW_USER), when OAuth is not used; with servicenowPassword.')
param servicenowUser string = ''

@description('OAuth client secret (SERVICENOW_CLIENT_SECRET), stored in Key Vault; empty = none.')
@secure()
param servicenowClientSecret string = ''

@description('Basic auth password (SERVICENOW_PASSWORD), stored in Key Vault; empty = none.')
@secure()
param servicenowPassword string = ''

@description('Bearer secret for POST /api/servicenow/resolved (SERVICENOW_CALLBACK_SECRET), stored in Key Vault; empty = no callback route. At least 32 characters: openssl rand -hex 32.')
@secure()
param servicenowCallbackSecret string = ''

@description('Secrets in Key Vault expire (and must be rotated) after this; RUNBOOK.md, "Rotate".')
param secretExpiry int = dateTimeToEpoch(dateTimeAdd(utcNow(), 'P1Y'))

param tags object = {
  system: 'skyddad-id-bot'
  owner: 'Region Västernorrland'
}

var suffix = uniqueString(resourceGroup().id)
var port = 3978
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6' // built-in role id

// --- Logs -----------------------------------------------------------------------------------
resource law 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

// --- Identities -----------------------------------------------------------------------------
resource idBot 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}-bot'
  location: location
  tags: tags
}

resource idApp 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}-app'
  location: location
  tags: tags
}

// --- Network: the environment's subnet and one for private endpoints --------------------------
resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [ '10.40.0.0/22' ] }
    subnets: [
      {
        name: 'snet-apps'
        properties: {
          addressPrefix: '10.40.0.0/23'
          delegations: [ { name: 'aca', properties: { serviceName: 'Microsoft.App/environments' } } ]
        }
      }
      {
        name: 'snet-private'
        properties: {
          addressPrefix: '10.40.2.0/27'
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
    ]
  }
}

var appsSubnetId = vnet.properties.subnets[0].id
var privateSubnetId = vnet.properties.subnets[1].id

// --- Key Vault --------------------------------------------------------------------------------
resource kv 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${name}-${take(suffix, 6)}'
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Disabled'
    networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' }
  }
}

resource kvSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(kv.id, idApp.id, keyVaultSecretsUser)
  scope: kv
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: idApp.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// --- Redis: Azure Managed Redis (see README.md here for the SKU choice) ------------------------
resource redis 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: 'redis-${name}-${take(suffix, 6)}'
  location: location
  tags: tags
  sku: { name: redisSku }
  properties: {
    minimumTlsVersion: '1.2'
    highAvailability: 'Enabled'
    publicNetworkAccess: 'Disabled'
  }
}

resource redisDb 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: redis
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted' // TLS only
    port: 10000
    // One endpoint; the proxy routes keys to shards. Keys touched together must share a hash
    // slot: REDIS_KEY_PREFIX={sid} below puts every key of the bot in one slot.
    clusteringPolicy: 'EnterpriseCluster'
    evictionPolicy: 'NoEviction' // eviction would silently drop cases
    persistence: { aofEnabled: true, aofFrequency: '1s' } // loses at most ~1 s on a crash
    accessKeysAuthentication: 'Enabled' // the bot speaks redis:// with a password (Key Vault)
  }
}

// --- Private endpoints and their DNS ------------------------------------------------------------
resource dnsRedis 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.redis.azure.net'
  location: 'global'
  tags: tags
}

resource dnsVault 'Microsoft.Network/privateDnsZones@2020-06-01' = {
  name: 'privatelink.vaultcore.azure.net'
  location: 'global'
  tags: tags
}

resource dnsRedisLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: dnsRedis
  name: 'vnet'
  location: 'global'
  properties: { registrationEnabled: false, virtualNetwork: { id: vnet.id } }
}

resource dnsVaultLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = {
  parent: dnsVault
  name: 'vnet'
  location: 'global'
  properties: { registrationEnabled: false, virtualNetwork: { id: vnet.id } }
}

resource peRedis 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${name}-redis'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateSubnetId }
    privateLinkServiceConnections: [
      { name: 'redis', properties: { privateLinkServiceId: redis.id, groupIds: [ 'redisEnterprise' ] } }
    ]
  }
}

resource peRedisDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: peRedis
  name: 'default'
  properties: { privateDnsZoneConfigs: [ { name: 'redis', properties: { privateDnsZoneId: dnsRedis.id } } ] }
}

resource peVault 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-${name}-kv'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateSubnetId }
    privateLinkServiceConnections: [
      { name: 'vault', properties: { privateLinkServiceId: kv.id, groupIds: [ 'vault' ] } }
    ]
  }
}

resource peVaultDns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: peVault
  name: 'default'
  properties: { privateDnsZoneConfigs: [ { name: 'vault', properties: { privateDnsZoneId: dnsVault.id } } ] }
}

// --- Secrets (written by ARM, read by the app through idApp) -------------------------------------
resource redisUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: kv
  name: 'redis-url'
  properties: {
    contentType: 'text/uri' // rediss = TLS
    value: 'rediss://:${redisDb.listKeys().primaryKey}@${redis.properties.hostName}:10000/0'
    attributes: { enabled: true, exp: secretExpiry }
  }
}

resource metricsSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: kv
  name: 'metrics-token'
  properties: {
    contentType: 'text/plain'
    value: metricsToken
    attributes: { enabled: true, exp: secretExpiry }
  }
}

// ServiceNow's secrets. Always written (checkov cannot read a conditional resource's properties,
// so `= if (...)` would fail its expiry and content-type checks); one not given holds NOT_SET
// and the container does not reference it, so its setting stays unset.
var snowClientSecretOn = !empty(servicenowClientSecret)
var snowPasswordOn = !empty(servicenowPassword)
var snowCallbackOn = !empty(servicenowCallbackSecret)
var snowNotSet = 'NOT_SET'

resource snowClientSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: kv
  name: 'servicenow-client-secret'
  properties: {
    contentType: 'text/plain'
    value: snowClientSecretOn ? servicenowClientSecret : snowNotSet
    attributes: { enabled: true, exp: secretExpiry }
  }
}

resource snowPassword 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: kv
  name: 'servicenow-password'
  properties: {
    contentType: 'text/plain'
    value: snowPasswordOn ? servicenowPassword : snowNotSet
    attributes: { enabled: true, exp: secretExpiry }
  }
}

resource snowCallback 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: kv
  name: 'servicenow-callback-secret'
  properties: {
    contentType: 'text/plain'
    value: snowCallbackOn ? servicenowCallbackSecret : snowNotSet
    attributes: { enabled: true, exp: secretExpiry }
  }
}

var snowSecretClient = snowClientSecretOn ? [ { name: 'servicenow-client-secret', keyVaultUrl: snowClientSecret.properties.secretUri, identity: idApp.id } ] : []
var snowSecretPassword = snowPasswordOn ? [ { name: 'servicenow-password', keyVaultUrl: snowPassword.properties.secretUri, identity: idApp.id } ] : []
var snowSecretCallback = snowCallbackOn ? [ { name: 'servicenow-callback-secret', keyVaultUrl: snowCallback.properties.secretUri, identity: idApp.id } ] : []
var snowSecrets = concat(snowSecretClient, snowSecretPassword, snowSecretCallback)
var snowEnvPlain = [
  { name: 'SERVICENOW_INSTANCE_URL', value: servicenowInstanceUrl }
  { name: 'SERVICENOW_TABLE', value: servicenowTable }
  { name: 'SERVICENOW_ASSIGNMENT_GROUP', value: servicenowAssignmentGroup }
  { name: 'SERVICENOW_CATEGORY', value: servicenowCategory }
  { name: 'SERVICENOW_CLIENT_ID', value: servicenowClientId }
  { name: 'SERVICENOW_USER', value: servicenowUser }
]
var snowEnvClient = snowClientSecretOn ? [ { name: 'SERVICENOW_CLIENT_SECRET', secretRef: 'servicenow-client-secret' } ] : []
var snowEnvPassword = snowPasswordOn ? [ { name: 'SERVICENOW_PASSWORD', secretRef: 'servicenow-password' } ] : []
var snowEnvCallback = snowCallbackOn ? [ { name: 'SERVICENOW_CALLBACK_SECRET', secretRef: 'servicenow-callback-secret' } ] : []
var snowEnv = concat(snowEnvPlain, snowEnvClient, snowEnvPassword, snowEnvCallback)

// --- Container Apps ---------------------------------------------------------------------------
resource cae 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: 'cae-${name}'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: law.properties.customerId
        sharedKey: law.listKeys().primarySharedKey
      }
    }
    vnetConfiguration: { infrastructureSubnetId: appsSubnetId, internal: false }
    zoneRedundant: true
    workloadProfiles: [ { name: 'Consumption', workloadProfileType: 'Consumption' } ]
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: 'ca-${name}'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${idBot.id}': {}, '${idApp.id}': {} }
  }
  dependsOn: [ kvSecretsUser, peVaultDns, peRedisDns, dnsVaultLink, dnsRedisLink ]
  properties: {
    environmentId: cae.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true // Teams (the Bot Connector) must reach /api/messages
        targetPort: port
        transport: 'http'
        allowInsecure: false // HTTP is redirected; only HTTPS reaches the bot
      }
      registries: [ { server: registryServer, identity: idApp.id } ]
      secrets: concat([
        { name: 'redis-url', keyVaultUrl: redisUrl.properties.secretUri, identity: idApp.id }
        { name: 'metrics-token', keyVaultUrl: metricsSecret.properties.secretUri, identity: idApp.id }
      ], snowSecrets)
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: image
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat([
            { name: 'MicrosoftAppId', value: idBot.properties.clientId }
            { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
            { name: 'MicrosoftAppTenantId', value: tenant().tenantId }
            { name: 'ALLOWED_TENANT_IDS', value: join(allowedTenantIds, ',') }
            { name: 'HOST', value: '0.0.0.0' }
            { name: 'PORT', value: string(port) }
            { name: 'LOG_FORMAT', value: 'json' }
            { name: 'REDIS_URL', secretRef: 'redis-url' }
            { name: 'REDIS_KEY_PREFIX', value: '{sid}' } // one hash slot on clustered Redis
            { name: 'METRICS_TOKEN', secretRef: 'metrics-token' }
            { name: 'ADMIN_IDS', value: adminIds }
            { name: 'ADMIN_LEAD_IDS', value: adminLeadIds }
            { name: 'CENTRAL_TEAM_ID', value: centralTeamId }
            { name: 'CENTRAL_CHANNEL_ID', value: centralChannelId }
          ], snowEnv)
          probes: [
            {
              type: 'Liveness'
              httpGet: { path: '/healthz', port: port }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness' // 503 while Redis does not answer: no traffic to this replica
              httpGet: { path: '/readyz', port: port }
              periodSeconds: 5
              failureThreshold: 3
            }
            {
              type: 'Startup'
              httpGet: { path: '/healthz', port: port }
              periodSeconds: 2
              failureThreshold: 30
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [ { name: 'http', http: { metadata: { concurrentRequests: '50' } } } ]
      }
    }
  }
}

// --- Azure Bot with the Teams channel -------------------------------------------------------------
resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: 'bot-${name}-${take(suffix, 6)}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: { name: 'S1' }
  properties: {
    displayName: 'Skyddad ID'
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: idBot.properties.clientId
    msaAppTenantId: tenant().tenantId
    msaAppMSIResourceId: idBot.id
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled' // the Bot Connector service, not this bot's data, lives here
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true, enableCalling: false }
  }
}

output botAppId string = idBot.properties.clientId
output appIdentityPrincipalId string = idApp.properties.principalId
output messagingEndpoint string = bot.properties.endpoint
output keyVaultName string = kv.name
output redisHost string = redis.properties.hostName
