"""Test infrastructure (not part of the installed package): the throwaway PostgreSQL cluster."""
