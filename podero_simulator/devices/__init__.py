"""Device models: the shared API block plus per-type physics and payloads."""
