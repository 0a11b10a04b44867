"""Catch, while any test runs, a Podero string that en.json lacks.

Home Assistant shows a raw key, or nothing, where a string is missing, and hassfest only checks
the shape of en.json. So, like Home Assistant core's own tests, every test watches what the
integration actually does - flow forms, errors and aborts, repair issues, translated
exceptions - and fails at teardown if a key, or a placeholder its string uses, is missing.
It checks the keys, not the outcome: a test that provokes an error on purpose still passes,
as long as the error it provokes can be shown to the user.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
import json
from pathlib import Path
import string
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import ConfigEntriesFlowManager, OptionsFlowManager
from homeassistant.data_entry_flow import FlowHandler, FlowManager, FlowResultType
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.issue_registry import IssueRegistry
from homeassistant.helpers.selector import SelectSelector

from custom_components.podero.const import DOMAIN

EN_JSON = Path(__file__).parents[1] / f"custom_components/{DOMAIN}/translations/en.json"


def flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten a nested mapping to {"a.b.c": leaf}."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def placeholders(text: str) -> set[str]:
    """The {names} a string is formatted with ({{ and }} are literal braces)."""
    return {
        name for _text, name, _spec, _conv in string.Formatter().parse(text) if name
    }


@cache
def _english() -> dict[str, Any]:
    return flatten(json.loads(EN_JSON.read_text(encoding="utf-8")))


class TranslationCheck:
    """Collects every use of a missing string during one test."""

    def __init__(self) -> None:
        """Start from en.json's strings (a copy, a test may take some away); no problems yet."""
        self.strings = dict(_english())
        self.problems: dict[str, None] = {}  # ordered and without repeats

    def require(
        self,
        key: str,
        given: Mapping[str, Any] | None,
        where: str,
        *,
        needed: bool = True,
    ) -> None:
        """Report a missing string (if needed) or a placeholder it uses that is not given."""
        text = self.strings.get(key)
        if text is None:
            if needed:
                self.problems[f"{where}: en.json has no {key}"] = None
            return
        if missing := placeholders(text) - set(given or {}):
            self.problems[f"{where}: {key} needs {sorted(missing)}"] = None

    def require_section(
        self, prefix: str, given: Mapping[str, Any] | None, where: str
    ) -> None:
        """Like require, for every string under a section (a flow step) that must exist."""
        keys = [key for key in self.strings if key.startswith(f"{prefix}.")]
        if not keys:
            self.problems[f"{where}: en.json has no {prefix}"] = None
        for key in keys:
            self.require(key, given, where)

    def flow_result(self, manager: FlowManager, flow: FlowHandler, result: Any) -> None:
        """Check the strings a config or options flow result shows."""
        if isinstance(manager, ConfigEntriesFlowManager) and flow.handler == DOMAIN:
            category = "config"
        elif (
            isinstance(manager, OptionsFlowManager)
            and (entry := flow.hass.config_entries.async_get_entry(str(flow.handler)))
            is not None
            and entry.domain == DOMAIN
        ):
            category = "options"
        else:
            return
        given = result.get("description_placeholders")
        kind = result["type"]
        if kind is FlowResultType.ABORT:
            if result.get("translation_domain", DOMAIN) == DOMAIN:
                reason = result["reason"]
                self.require(
                    f"{category}.abort.{reason}", given, f"{category} flow abort"
                )
            return
        if kind not in (FlowResultType.FORM, FlowResultType.MENU):
            return
        step = f"{category}.step.{result['step_id']}"
        where = f"{category} flow step {result['step_id']!r}"
        self.require_section(step, given, where)
        for error in (result.get("errors") or {}).values():
            self.require(f"{category}.error.{error}", given, f"{where} error")
        for option in result.get("menu_options") or ():
            self.require(f"{step}.menu_options.{option}", given, f"{where} menu")
        schema = result.get("data_schema")
        for marker, validator in (schema.schema if schema is not None else {}).items():
            self.require(f"{step}.data.{marker}", given, f"{where} field")
            if isinstance(validator, SelectSelector) and (
                key := validator.config.get("translation_key")
            ):
                for option in validator.config["options"]:
                    value = option["value"] if isinstance(option, Mapping) else option
                    self.require(
                        f"selector.{key}.options.{value}", None, f"{where} select"
                    )

    def issue(
        self, domain: str, translation_key: str, kwargs: Mapping[str, Any]
    ) -> None:
        """Check a repair issue's title and, unless a fix flow explains it, its description."""
        if domain != DOMAIN:
            return
        given = kwargs.get("translation_placeholders")
        where = f"repair issue {translation_key!r}"
        self.require(f"issues.{translation_key}.title", given, where)
        self.require(
            f"issues.{translation_key}.description",
            given,
            where,
            needed=not kwargs["is_fixable"],
        )

    def exception(self, error: HomeAssistantError) -> None:
        """Check a translated exception's message, whether it is raised or caught later."""
        if error.translation_domain == DOMAIN and error.translation_key:
            self.require(
                f"exceptions.{error.translation_key}.message",
                error.translation_placeholders,
                type(error).__name__,
            )


@contextmanager
def watching(check: TranslationCheck) -> Iterator[None]:
    """Route flows, repair issues and Home Assistant errors through the check."""
    handle_step = FlowManager._async_handle_step
    get_or_create = IssueRegistry.async_get_or_create
    error_init: Callable[..., None] = HomeAssistantError.__init__

    async def checked_step(self: FlowManager, flow: FlowHandler, *args: Any) -> Any:
        result = await handle_step(self, flow, *args)
        check.flow_result(self, flow, result)
        return result

    def checked_issue(
        self: IssueRegistry, domain: str, issue_id: str, **kwargs: Any
    ) -> Any:
        check.issue(domain, kwargs["translation_key"], kwargs)
        return get_or_create(self, domain, issue_id, **kwargs)

    # Every Home Assistant error (UpdateFailed and ConfigEntry* included) is built here; an
    # error the integration creates is checked even if something catches it on the way.
    def checked_init(self: HomeAssistantError, *args: Any, **kwargs: Any) -> None:
        error_init(self, *args, **kwargs)
        check.exception(self)

    with (
        patch.object(FlowManager, "_async_handle_step", checked_step),
        patch.object(IssueRegistry, "async_get_or_create", checked_issue),
        patch.object(HomeAssistantError, "__init__", checked_init),
    ):
        yield
