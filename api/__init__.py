"""The HTTP skin: FastAPI app, JSON API and the command line."""
