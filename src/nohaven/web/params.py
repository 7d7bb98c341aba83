"""A route's query parameters as one pydantic model, validated in a single call.

FastAPI validates query parameters one by one and inspects each one's annotation on
every request: for /match's eleven parameters that was a fifth of a request. A
`QueryModel` reads them from the query string into one model (`from_request`, used as
a dependency) and declares them in the OpenAPI document itself (`openapi`), so clients
and the schemathesis fuzz see the same parameters, limits and 422 errors as before.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, ValidationError


class QueryModel(BaseModel):
    """Query parameters; list-typed fields take every repeat of their parameter."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    # Parameters still accepted but no longer advised (marked deprecated in OpenAPI).
    deprecated_parameters: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def _parameters(cls) -> dict[str, bool]:
        """Each parameter's name in the query string (a field's alias, when it has one:
        `schema` is a BaseModel attribute) and whether it repeats."""
        return {
            field.alias or name: get_origin(field.annotation) is list
            for name, field in cls.model_fields.items()
        }

    @classmethod
    async def from_request(cls, request: Request) -> Self:
        """The request's parameters, or FastAPI's 422 naming each one that is invalid
        (a coroutine, so FastAPI calls it on the event loop rather than in a thread)."""
        params = request.query_params
        parameters = cls._parameters()
        data = {
            name: params.getlist(name) if parameters[name] else params[name]
            for name in params
            if name in parameters
        }
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise RequestValidationError(
                [
                    # As FastAPI reports a missing parameter: no input.
                    {
                        **error,
                        "loc": ("query", *error["loc"]),
                        "input": None if error["type"] == "missing" else error["input"],
                    }
                    for error in exc.errors(include_url=False)
                ]
            ) from None

    @classmethod
    def openapi(cls) -> dict[str, Any]:
        """The `openapi_extra` of a route taking these parameters."""
        schema = cls.model_json_schema()
        required = set(schema.get("required", ()))
        parameters = []
        for name, prop in schema["properties"].items():
            prop = dict(prop)
            description = prop.pop("description", None)
            parameter: dict[str, Any] = {
                "name": name,
                "in": "query",
                "required": name in required,
                "schema": prop,
            }
            if description:
                parameter["description"] = description
            if name in cls.deprecated_parameters:
                parameter["deprecated"] = True
            parameters.append(parameter)
        return {"parameters": parameters}
