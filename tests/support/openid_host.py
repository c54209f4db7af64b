"""A local stand-in for the Bot Framework's OpenID metadata and JWKS host, and tokens it signs.

Speaks the real protocol: `/.well-known/openidconfiguration` names `jwks_uri`, which lists RSA
keys with `kid` and `endorsements`. `hang()` makes it accept requests and never answer (a network
that does not respond). `token()` signs a real RS256 JWT with the published key; `forged_key`
signs with a key that is never published (a self-signed token).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
KEY_ID = "test-signing-key"


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class OpenIdHost:
    key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    forged_key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    metadata_requests: int = 0
    server: TestServer | None = None
    _hanging: bool = False
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def metadata_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/v1/.well-known/openidconfiguration"))

    def hang(self) -> None:
        self._hanging = True

    async def start(self) -> OpenIdHost:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/keys", self._keys)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()
        return self

    async def close(self) -> None:
        self._release.set()
        if self.server is not None:
            await self.server.close()

    async def _metadata(self, request: web.Request) -> web.Response:
        self.metadata_requests += 1
        if self._hanging:
            await self._release.wait()
        assert self.server is not None
        return web.json_response({"issuer": ISSUER, "jwks_uri": str(self.server.make_url("/v1/keys"))})

    async def _keys(self, request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=KEY_ID, use="sig", endorsements=["msteams"])
        return web.json_response({"keys": [jwk]})

    def token(
        self,
        app_id: str,
        service_url: str,
        *,
        key: Any = None,
        algorithm: str = "RS256",
        kid: str = KEY_ID,
        **claims: Any,
    ) -> str:
        """A Bot Framework channel token; `claims` override or add claims (`exp=...`, `aud=...`)."""
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + 3600,
            **claims,
        }
        signing_key = key if key is not None else self.key
        return jwt.encode(payload, signing_key, algorithm=algorithm, headers={"kid": kid})
