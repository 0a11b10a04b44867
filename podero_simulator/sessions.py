"""EV charging sessions: live accumulation and the API ``SessionItem`` shape."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .timeutil import iso_ts


@dataclass
class ChargeSession:
    """One plug-in → unplug period of an EV (live or generated)."""

    id: str
    plug_ts: float
    initial_soc: float
    target_soc: float
    deadline_ts: float | None
    unplug_ts: float | None = None
    final_soc: float | None = None
    energy_wh: float = 0.0
    unopt_energy_wh: float = 0.0
    cost_eur: float = 0.0
    unopt_cost_eur: float = 0.0
    charging_s: float = 0.0
    peak_w: float = 0.0
    first_charge_ts: float | None = None
    last_charge_ts: float | None = None
    is_at_home: bool = True

    def add(
        self, t: float, dt: float, power_w: float, unopt_w: float, price: float
    ) -> None:
        """Accumulate one simulation step."""
        energy = power_w * dt / 3600.0
        unopt = unopt_w * dt / 3600.0
        self.energy_wh += energy
        self.unopt_energy_wh += unopt
        self.cost_eur += energy * price / 1e6
        self.unopt_cost_eur += unopt * price / 1e6
        if power_w > 0:
            self.charging_s += dt
            self.peak_w = max(self.peak_w, power_w)
            if self.first_charge_ts is None:
                self.first_charge_ts = t
            self.last_charge_ts = t + dt

    def payload(self, current_soc: float | None = None) -> dict[str, Any]:
        """SessionItem; for the running session ``final_soc_pct`` is the current level."""
        final = self.final_soc if self.final_soc is not None else current_soc
        avg_kw = self.energy_wh / self.charging_s * 3.6 if self.charging_s > 0 else 0.0
        savings = self.unopt_cost_eur - self.cost_eur if self.is_at_home else 0.0
        return {
            "id": self.id,
            "plug_in_time": iso_ts(self.plug_ts),
            "unplug_time": iso_ts(self.unplug_ts),
            "inferred_session_end": iso_ts(
                self.unplug_ts if self.unplug_ts is not None else self.deadline_ts
            ),
            "desired_charging_start_time": iso_ts(self.first_charge_ts or self.plug_ts),
            "desired_charging_end_time": iso_ts(self.deadline_ts),
            "charge_deadline": iso_ts(self.deadline_ts),
            "target_soc_pct": round(self.target_soc),
            "initial_soc_pct": round(self.initial_soc),
            "final_soc_pct": None if final is None else round(final),
            "energy_charged_kwh": round(self.energy_wh / 1000.0, 3),
            "avg_charge_power_kw": round(avg_kw, 3),
            "peak_charge_power_kw": round(self.peak_w / 1000.0, 3),
            "actual_cost_eur": round(self.cost_eur, 4),
            "expected_savings_eur": round(savings, 4),
            "actual_savings_eur": round(savings, 4),
            "is_at_home": self.is_at_home,
            "session_outcome": None if self.is_at_home else "not_at_home",
        }
