"""The Open Service Broker API's operations, on the broker's tables and its pipeline.

openbrokerapi parses the requests and shapes the answers (api.py mounts it); this class decides.
It checks what openbrokerapi leaves out: the service id, the organization and space GUIDs, the
domains (valid, within the plan, not another instance's). Every mutation starts an operation
whose steps run as background jobs (pipeline.py); ``last_operation`` reports its step.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from openbrokerapi import errors
from openbrokerapi.service_broker import (
    BindDetails,
    Binding,
    DeprovisionDetails,
    DeprovisionServiceSpec,
    GetBindingSpec,
    GetInstanceDetailsSpec,
    LastOperation,
    OperationState,
    ProvisionDetails,
    ProvisionedServiceSpec,
    ProvisionState,
    Service,
    ServiceBroker,
    UnbindDetails,
    UnbindSpec,
    UpdateDetails,
    UpdateServiceSpec,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from . import catalog, pipeline
from .domains import DomainsError, parse_domains
from .extensions import db
from .models import IN_PROGRESS, SUCCEEDED, Domain, Operation, ServiceInstance

MAX_ID_LENGTH = 255  # the column's size (models.py)
STATES = {
    IN_PROGRESS: OperationState.IN_PROGRESS,
    SUCCEEDED: OperationState.SUCCEEDED,
}


class BrokerError(Exception):
    """An answer openbrokerapi has no exception for: its status and a description (api.py)."""

    def __init__(self, status: HTTPStatus, description: str, error: str | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.error = status, description, error


class CustomDomainBroker(ServiceBroker):
    def catalog(self) -> Service:
        return catalog.service()

    def provision(
        self, instance_id: str, details: ProvisionDetails, async_allowed: bool, **kwargs: object
    ) -> ProvisionedServiceSpec:
        if not async_allowed:
            raise errors.ErrAsyncRequired()
        if len(instance_id) > MAX_ID_LENGTH:
            raise errors.ErrBadRequest(f"an instance id has {MAX_ID_LENGTH} characters at most")
        _check_service(details.service_id)
        organization = _guid(details.organization_guid, "organization_guid")
        space = _guid(details.space_guid, "space_guid")
        names = _domains(details.parameters, details.plan_id)
        existing = db.session.get(ServiceInstance, instance_id)
        if existing is not None:
            return _repeated(existing, details, names)
        _check_unclaimed(names, instance_id)
        instance = ServiceInstance(
            id=instance_id,
            service_id=details.service_id,
            plan_id=details.plan_id,
            organization_guid=organization,
            space_guid=space,
            domains=[Domain(name=name) for name in names],
        )
        operation = _claimed(lambda: pipeline.start(instance, pipeline.PROVISION), names)
        return ProvisionedServiceSpec(ProvisionState.IS_ASYNC, operation=str(operation.id))

    def update(
        self, instance_id: str, details: UpdateDetails, async_allowed: bool, **kwargs: object
    ) -> UpdateServiceSpec:
        if not async_allowed:
            raise errors.ErrAsyncRequired()
        _check_service(details.service_id)
        instance = _instance(instance_id)
        if any(op.state == IN_PROGRESS for op in instance.operations):
            raise errors.ErrConcurrentInstanceAccess()
        plan_id = details.plan_id or instance.plan_id
        parameters = details.parameters or {}
        if not isinstance(parameters, dict):
            raise errors.ErrInvalidParameters("parameters must be a JSON object")
        given = parameters if "domains" in parameters else {"domains": instance.domain_names}
        names = _domains(given, plan_id)
        _check_unclaimed(names, instance_id)

        def change() -> Operation:
            instance.plan_id = plan_id
            instance.domains = [Domain(name=name) for name in names]
            db.session.flush()
            return pipeline.start(instance, pipeline.UPDATE)

        operation = _claimed(change, names)
        return UpdateServiceSpec(is_async=True, operation=str(operation.id))

    def deprovision(
        self, instance_id: str, details: DeprovisionDetails, async_allowed: bool, **kwargs: object
    ) -> DeprovisionServiceSpec:
        if not async_allowed:
            raise errors.ErrAsyncRequired()
        _check_service(details.service_id)
        instance = db.session.get(ServiceInstance, instance_id)
        if instance is None or instance.deleted_at is not None:
            raise errors.ErrInstanceDoesNotExist()
        latest = instance.operations[-1] if instance.operations else None
        if latest and latest.action == pipeline.DEPROVISION and latest.state == IN_PROGRESS:
            return DeprovisionServiceSpec(is_async=True, operation=str(latest.id))
        pipeline.cancel_pending(instance)
        operation = pipeline.start(instance, pipeline.DEPROVISION)
        db.session.commit()
        return DeprovisionServiceSpec(is_async=True, operation=str(operation.id))

    def last_operation(
        self, instance_id: str, operation_data: str | None, **kwargs: object
    ) -> LastOperation:
        instance = db.session.get(ServiceInstance, instance_id)
        if instance is None:
            raise BrokerError(HTTPStatus.NOT_FOUND, f"No service instance {instance_id} exists.")
        if instance.deleted_at is not None:
            raise errors.ErrInstanceDoesNotExist()  # 410: deprovisioned
        operation = _operation(instance, operation_data)
        state = STATES.get(operation.state, OperationState.FAILED)
        return LastOperation(state, operation.step_description)

    def get_instance(self, instance_id: str, **kwargs: object) -> GetInstanceDetailsSpec:
        instance = db.session.get(ServiceInstance, instance_id)
        if instance is None or instance.deleted_at is not None:
            raise errors.ErrInstanceDoesNotExist()
        if any(op.state == IN_PROGRESS for op in instance.operations):
            raise errors.ErrConcurrentInstanceAccess()
        return GetInstanceDetailsSpec(
            instance.service_id, instance.plan_id, parameters={"domains": instance.domain_names}
        )

    # The service is not bindable: the catalog says so, and every binding endpoint agrees.
    def bind(
        self,
        instance_id: str,
        binding_id: str,
        details: BindDetails,
        async_allowed: bool,
        **kwargs: object,
    ) -> Binding:
        raise BrokerError(
            HTTPStatus.BAD_REQUEST,
            "This service is not bindable: it serves domains, it has no credentials to give.",
            "NotBindable",
        )

    def unbind(
        self,
        instance_id: str,
        binding_id: str,
        details: UnbindDetails,
        async_allowed: bool,
        **kwargs: object,
    ) -> UnbindSpec:
        raise errors.ErrBindingDoesNotExist()

    def get_binding(self, instance_id: str, binding_id: str, **kwargs: object) -> GetBindingSpec:
        raise errors.ErrBindingDoesNotExist()

    def last_binding_operation(
        self, instance_id: str, binding_id: str, operation_data: str | None, **kwargs: object
    ) -> LastOperation:
        raise BrokerError(
            HTTPStatus.NOT_FOUND, f"No binding {binding_id} exists: this service is not bindable."
        )


def _check_service(service_id: str | None) -> None:
    if service_id != catalog.SERVICE_ID:
        raise errors.ErrBadRequest(
            f"service_id {service_id!r} is not this broker's service ({catalog.SERVICE_ID})"
        )


def _guid(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise errors.ErrBadRequest(f"{name} is required")
    return value


def _domains(parameters: object, plan_id: str | None) -> list[str]:
    if plan_id not in catalog.PLANS:
        raise errors.ErrBadRequest(f"plan_id {plan_id!r} is not a plan of this service")
    try:
        return parse_domains(parameters, catalog.most_domains(plan_id))
    except DomainsError as invalid:
        raise errors.ErrInvalidParameters(str(invalid)) from None


def _check_unclaimed(names: list[str], instance_id: str) -> None:
    claimed = db.session.scalars(
        select(Domain.name).where(Domain.name.in_(names), Domain.instance_id != instance_id)
    ).all()
    if claimed:
        raise errors.ErrInvalidParameters(
            f"already served by another instance: {', '.join(sorted(claimed))}"
        )


def _claimed(change: Callable[[], Operation], names: list[str]) -> Operation:
    """Run ``change`` and commit; a domain another request claimed meanwhile is a 400."""
    try:
        operation = change()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise errors.ErrInvalidParameters(
            f"already served by another instance: one of {', '.join(names)}"
        ) from None
    return operation


def _repeated(
    instance: ServiceInstance, details: ProvisionDetails, names: list[str]
) -> ProvisionedServiceSpec:
    """A provision repeated: the same request is answered again, another one is a conflict."""
    same = (
        instance.deleted_at is None
        and (instance.service_id, instance.plan_id) == (details.service_id, details.plan_id)
        and (instance.organization_guid, instance.space_guid)
        == (details.organization_guid, details.space_guid)
        and instance.domain_names == names
    )
    if not same:
        raise errors.ErrInstanceAlreadyExists()
    provision = instance.operations[0]
    if provision.state == IN_PROGRESS:
        return ProvisionedServiceSpec(ProvisionState.IS_ASYNC, operation=str(provision.id))
    return ProvisionedServiceSpec(ProvisionState.IDENTICAL_ALREADY_EXISTS)


def _instance(instance_id: str) -> ServiceInstance:
    instance = db.session.get(ServiceInstance, instance_id)
    if instance is None or instance.deleted_at is not None:
        raise BrokerError(HTTPStatus.NOT_FOUND, f"No service instance {instance_id} exists.")
    return instance


def _operation(instance: ServiceInstance, operation_data: str | None) -> Operation:
    """The operation the platform names, else the latest."""
    if operation_data is None:
        return instance.operations[-1]
    found = [op for op in instance.operations if str(op.id) == operation_data]
    if not found:
        raise errors.ErrBadRequest(
            f"operation {operation_data!r} is not an operation of instance {instance.id}"
        )
    return found[0]
