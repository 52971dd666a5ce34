"""The update pipeline and the process topology; for now the shared ASGI server helper."""
