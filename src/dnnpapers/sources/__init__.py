"""Remote services, one module each, all through one polite HTTP client (``sources.http``)."""
