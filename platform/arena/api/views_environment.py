"""REST API for the runner's environment: what a method can import, and the limits of a run."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from arena.api.serializers import ErrorSerializer
from arena.methods.environment import environment_summary


class LimitSerializer(serializers.Serializer):
    name = serializers.CharField()
    default = serializers.CharField(help_text="what a run gets when method.yaml does not ask")
    maximum = serializers.CharField(help_text="the most it may ask for; empty: fixed")
    note = serializers.CharField()


class DistributionSerializer(serializers.Serializer):
    name = serializers.CharField()
    version = serializers.CharField()
    imports = serializers.ListField(child=serializers.CharField(), help_text="module names")
    stack = serializers.BooleanField(help_text="one of the usual stack, listed first")


class EnvironmentSerializer(serializers.Serializer):
    python = serializers.CharField()
    sandbox = serializers.CharField()
    venv = serializers.CharField(help_text="where the environment is, inside the sandbox")
    limits = LimitSerializer(many=True)
    distributions = DistributionSerializer(many=True)


@extend_schema(
    responses={
        200: EnvironmentSerializer,
        401: OpenApiResponse(ErrorSerializer),
        403: OpenApiResponse(ErrorSerializer),
    }
)
@api_view(["GET"])
def method_environment(request):
    """What a method can import (every installed package with its version, the usual stack
    first), the Python version, the sandbox and the limits of a run."""
    return Response(EnvironmentSerializer(environment_summary()).data)
