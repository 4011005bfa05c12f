"""Builders shared by the tests: a store on SQLite and PostgreSQL, a demo campaign, edition inputs."""
