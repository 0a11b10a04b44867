"""Contract tests of the API client against the simulator, over real HTTP on loopback."""
