"""schemathesis against the published OpenAPI schema, in process: no 5xx, responses conform.

Bounded (a few examples per operation) so the gateway suite stays well under
three minutes on two cores; the checks are the ones that must hold for any
input: no server error, only documented status codes, and bodies and content
types that match the schema.
"""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from gwhelpers import Gateway
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
MAX_EXAMPLES = 12


def test_api_conforms_to_its_schema(make_gateway: Callable[..., Gateway], tmp_path: object) -> None:
    gw = make_gateway(f"sqlite:///{tmp_path}/schemathesis.db")
    carrier = gw.carrier()
    # A trip, vehicle and driver exist so that some generated ids hit real rows' code paths.
    schema = schemathesis.openapi.from_asgi("/openapi.json", gw.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    failures: list[str] = []
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=carrier.headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # collect all operations' failures, then fail once
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert not failures, "\n\n".join(failures)
