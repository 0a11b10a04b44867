"""Tests of the Podero integration, its API client and its simulator."""
