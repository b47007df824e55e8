"""The OpenAPI schema is valid, and the API keeps to it: schemathesis generates requests for
every operation from the schema and checks each response (no server error, status codes and
bodies as documented), in-process against the Django WSGI app on PostgreSQL."""

from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as schemathesis_checks

from arena.api.services import api_token_create
from arena.methods.services import method_push_folder
from tests.integration.helpers import predictions_with_private_errors, submit_scored
from tests.participants import team_create

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    schemathesis_checks.not_a_server_error,
    schemathesis_checks.status_code_conformance,
    schemathesis_checks.content_type_conformance,
    schemathesis_checks.response_schema_conformance,
]

EXAMPLE_METHOD = (
    Path(__file__).resolve().parents[2] / "docs" / "examples" / "methods" / "linear-baseline"
)


def test_schema_is_served_and_valid(client, alice):
    client.force_login(alice)
    response = client.get("/api/schema/", headers={"accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()  # assets come from the vendored sidecar


def test_every_operation_keeps_to_the_schema(alice, products, offers, competition):
    team = team_create(competition=competition, user=alice, name="Alpha")
    version = method_push_folder(team=team, user=alice, root=EXAMPLE_METHOD).version
    _, key = api_token_create(user=alice, name="schemathesis")
    headers = {"Authorization": f"Token {key}"}
    submission_id = submit_scored(
        products[0], alice, predictions_with_private_errors(products[0], wrong_private=2)
    ).pk
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @settings(
            max_examples=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call(app=app, headers=headers)
            case.validate_response(response, checks=CHECKS)

        check()
        # Random slugs mostly meet "not found": call each operation on real objects too.
        names = {parameter.name for parameter in operation.path_parameters}
        real = {
            "competition_slug": competition.slug,
            "task_slug": products[0].slug,
            "track_slug": products[0].track.slug,
            "submission_id": submission_id,
            "version_id": version.pk,
            "table": "test",
            "file_format": "csv",
        }
        case = operation.Case(path_parameters={name: real[name] for name in names})
        response = case.call(app=app, headers=headers)
        assert response.status_code < 500, (operation.label, response.text[:300])
        case.validate_response(response, checks=CHECKS)
