"""End-to-end suites: the whole Application over HTTP, or whole bot processes."""
