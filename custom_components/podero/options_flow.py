"""Options flow: how often Podero is polled and how much history is imported."""

from typing import Any

from homeassistant.config_entries import ConfigFlowResult, OptionsFlowWithReload
from homeassistant.const import CONF_SCAN_INTERVAL
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
)
import probatio

from .const import (
    CONF_BACKFILL_DAYS,
    DEFAULT_BACKFILL,
    DEFAULT_SCAN_INTERVAL,
    MAX_BACKFILL,
    MAX_SCAN_INTERVAL,
    MIN_SCAN_INTERVAL,
)


def _whole(low: float, high: float, unit: str) -> probatio.All[Any]:
    """Ask for a whole number in a box; Coerce(int) rejects the "nan" the selector allows."""
    config = NumberSelectorConfig(
        min=low, max=high, step=1, unit_of_measurement=unit, mode=NumberSelectorMode.BOX
    )
    return probatio.All(NumberSelector(config), probatio.Coerce(int))


OPTIONS_SCHEMA = probatio.Schema(
    {
        probatio.Required(
            CONF_SCAN_INTERVAL, default=int(DEFAULT_SCAN_INTERVAL.total_seconds())
        ): _whole(
            MIN_SCAN_INTERVAL.total_seconds(), MAX_SCAN_INTERVAL.total_seconds(), "s"
        ),
        probatio.Required(CONF_BACKFILL_DAYS, default=DEFAULT_BACKFILL.days): _whole(
            1, MAX_BACKFILL.days, "d"
        ),
    }
)


class PoderoOptionsFlow(OptionsFlowWithReload):
    """Tune how often Podero is polled and how much history is imported."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose the polling interval and the history window."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                OPTIONS_SCHEMA, self.config_entry.options
            ),
        )
