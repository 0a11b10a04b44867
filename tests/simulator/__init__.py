"""Tests of the Podero Partner API simulator."""
