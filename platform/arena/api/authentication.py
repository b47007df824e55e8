"""`Authorization: Token arena_…` (or `Bearer`) for the REST API."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from arena.api.services import api_token_authenticate


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the header as 'Authorization: Token <your token>'."
            )
        key = header[1].decode(errors="replace")
        token = api_token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This token is not valid; it may have been revoked. Create a new one on your "
                "API tokens page."
            )
        return token.user, token

    def authenticate_header(self, request):
        return "Token"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from /api/tokens/: 'Authorization: Token <key>' "
            "or 'Authorization: Bearer <key>'.",
        }
