"""The HTTP gateway in front of Rasa: web chat widget, hotline console, WeChat, JSON API.

`gateway.app:app` is the FastAPI application; `python -m gateway.run` starts the whole
assistant (action server, Rasa, gateway) for `make run`.
"""
