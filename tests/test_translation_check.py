"""The check every test runs for missing strings (translation_check.py) reports them.

Each test makes the integration's side of Home Assistant use a string en.json lacks, reads
what the autouse `check_translations` fixture collected, and then clears it, so that the test
itself passes.
"""

from types import SimpleNamespace

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.podero.const import DOMAIN

from .translation_check import TranslationCheck

FORM = FlowResultType.FORM


def test_the_check_reports_an_exception_without_a_message(
    check_translations: TranslationCheck,
) -> None:
    """An error of the integration whose key or placeholders en.json lacks is reported."""
    HomeAssistantError(translation_domain=DOMAIN, translation_key="no_such_key")
    ServiceValidationError(translation_domain=DOMAIN, translation_key="rate_limited")
    ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="rate_limited",
        translation_placeholders={"retry_after": "60"},
    )
    HomeAssistantError(translation_domain="other", translation_key="no_such_key")

    problems = list(check_translations.problems)
    check_translations.problems.clear()  # reported as intended: let this test pass
    assert problems == [
        "HomeAssistantError: en.json has no exceptions.no_such_key.message",
        "ServiceValidationError: exceptions.rate_limited.message needs ['retry_after']",
    ]


async def test_the_check_reports_a_repair_issue_without_strings(
    hass: HomeAssistant, check_translations: TranslationCheck
) -> None:
    """A repair issue whose title, description or placeholders are missing is reported."""
    for key, given in (("no_such_issue", None), ("device_reconnect", {})):
        ir.async_create_issue(
            hass,
            DOMAIN,
            key,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=key,
            translation_placeholders=given,
        )

    problems = list(check_translations.problems)
    check_translations.problems.clear()
    assert problems == [
        "repair issue 'no_such_issue': en.json has no issues.no_such_issue.title",
        "repair issue 'no_such_issue': en.json has no issues.no_such_issue.description",
        "repair issue 'device_reconnect': issues.device_reconnect.title needs ['device']",
        "repair issue 'device_reconnect': issues.device_reconnect.description needs ['device']",
    ]


async def test_the_check_reports_flow_forms_errors_and_aborts_without_strings(
    hass: HomeAssistant, check_translations: TranslationCheck
) -> None:
    """A form, form field, error or abort reason of a Podero flow that en.json lacks is reported."""
    # A real flow, as if en.json lacked a label of its first form.
    del check_translations.strings["config.step.user.data.org_id"]
    await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    # Results the integration's flows never give, handed to the check directly.
    entry = MockConfigEntry(domain=DOMAIN)
    entry.add_to_hass(hass)
    config = (hass.config_entries.flow, SimpleNamespace(hass=hass, handler=DOMAIN))
    options = (
        hass.config_entries.options,
        SimpleNamespace(hass=hass, handler=entry.entry_id),
    )
    check = check_translations.flow_result
    check(*options, {"type": FORM, "step_id": "nowhere"})
    check(*config, {"type": FORM, "step_id": "user", "errors": {"base": "oops"}})
    for reason in ("gone", "reauth_successful"):
        check(*config, {"type": FlowResultType.ABORT, "reason": reason})

    problems = list(check_translations.problems)
    check_translations.problems.clear()
    assert problems == [
        "config flow step 'user' field: en.json has no config.step.user.data.org_id",
        "options flow step 'nowhere': en.json has no options.step.nowhere",
        "config flow step 'user' error: en.json has no config.error.oops",
        "config flow abort: en.json has no config.abort.gone",
    ]
