"""The OSB API on the app: openbrokerapi's blueprint, Basic auth from the configuration, and
every error answered as JSON with a ``description``.

openbrokerapi checks ``X-Broker-API-Version`` (400 when missing, 412 below 2.13) before the
credentials (401 with ``WWW-Authenticate``). A few of its answers carry an empty body (409, 410,
404): ``describe`` fills in what happened. Paths outside the API answer JSON too.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from flask import Flask, Response, jsonify, request
from openbrokerapi import api
from openbrokerapi.auth import BrokerCredentials
from werkzeug.exceptions import HTTPException

from .broker import BrokerError, CustomDomainBroker

LAST_OPERATION = "open_broker.last_operation"
DESCRIPTIONS = {
    HTTPStatus.NOT_FOUND: "No such service instance or binding.",
    HTTPStatus.CONFLICT: "A service instance with this id already exists, with other details.",
    HTTPStatus.GONE: "The service instance or binding does not exist (any more).",
}


def init_app(app: Flask) -> None:
    credentials = BrokerCredentials(app.config["BROKER_USERNAME"], app.config["BROKER_PASSWORD"])
    blueprint = api.get_blueprint(
        CustomDomainBroker(), credentials, logging.getLogger("openbrokerapi")
    )
    blueprint.register_error_handler(BrokerError, _broker_error)
    blueprint.after_request(describe)
    blueprint.after_request(echo_operation)
    app.register_blueprint(blueprint)
    app.register_error_handler(HTTPException, _http_error)


def describe(response: Response) -> Response:
    """Give an error answer without a ``description`` one that says what happened."""
    if response.status_code < HTTPStatus.BAD_REQUEST or not response.is_json:
        return response
    body = response.get_json(silent=True)
    if isinstance(body, dict) and not body.get("description"):
        status = HTTPStatus(response.status_code)
        body["description"] = DESCRIPTIONS.get(status, status.description)
        response.set_data(json.dumps(body))
    return response


def echo_operation(response: Response) -> Response:
    """``last_operation`` answers which operation it describes, when the platform named one."""
    operation = request.args.get("operation")
    if request.endpoint == LAST_OPERATION and operation and response.status_code == HTTPStatus.OK:
        body = response.get_json()
        body["operation"] = operation
        response.set_data(json.dumps(body))
    return response


def _broker_error(error: BrokerError) -> tuple[Response, int]:
    body = {"description": error.description}
    if error.error:
        body["error"] = error.error
    return jsonify(body), error.status


def _http_error(error: HTTPException) -> tuple[Response, int]:
    status = error.code or HTTPStatus.INTERNAL_SERVER_ERROR
    return jsonify(description=error.description or HTTPStatus(status).phrase), status
